"""Research files read into text (pure library, no server), the search terms, the key
claims of the validation gate, and how the stakeholder summary and renders show evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeyline.analysis.summary import build_summary
from journeyline.errors import InvalidInput
from journeyline.model import JourneyMap
from journeyline.research.documents import read_research_bytes
from journeyline.research.search import query_terms, terms
from journeyline.research.validation import key_claims, missing_evidence
from tests.api_support import sample_workspace

FIXTURES = Path(__file__).parent / "fixtures" / "research"


def test_transcript_cues_point_into_the_text() -> None:
    document = read_research_bytes((FIXTURES / "teams_interview.vtt").read_bytes(), "t.vtt")
    for cue in document.cues:
        line = document.text[cue.offset : cue.offset + cue.length]
        assert line.startswith(f"{cue.speaker}: ")
    assert document.cues[-1].to_dict()["end"] == "00:00:34.020"


def test_a_vtt_without_its_header_names_line_one() -> None:
    with pytest.raises(InvalidInput, match=r"x.vtt:1: a WebVTT transcript starts with the line"):
        read_research_bytes(b"00:00:01.000 --> 00:00:02.000\nhi\n", "x.vtt")


def test_utf16_with_a_bom_and_named_encodings_read() -> None:
    assert read_research_bytes("Crème brûlée".encode("utf-16"), "n.txt").text == "Crème brûlée"
    text = read_research_bytes("Réservé".encode("cp1252"), "n.txt", encoding="cp1252").text
    assert text == "Réservé"


def test_search_terms_fold_case_and_accents() -> None:
    assert terms("Réservé au Café, the CAFÉ!") == {"reserve", "au", "cafe"}
    assert query_terms("the renewal renewal PRICE") == ["renewal", "price"]


def _journey() -> tuple[JourneyMap, object]:
    workspace = sample_workspace("a")
    return workspace.maps[0], workspace


def test_key_claims_and_the_summary_say_what_lacks_evidence() -> None:
    journey, workspace = _journey()
    kinds = {(c.kind, c.id) for c in key_claims(journey)}
    assert ("moment_of_truth", "card-a") in kinds and ("pain_point", "slow-a") in kinds
    assert {c.id for c in missing_evidence(journey)} == {"slow-a", "form-a", "verify-a"}
    summary = build_summary(journey, workspace)  # type: ignore[arg-type]
    text = summary.to_markdown()
    assert (
        "## Evidence" in text
        and "2 of 5 key claims rest on evidence (the map holds 1 quote)" in text
    )
    assert "- No evidence: pain point *Card form rejects cards a*" in text
    assert "*an assumption: no evidence*" in text
    data = summary.to_dict()
    assert data["evidence"]["evidenced"] == 2 and data["pain_points"][0]["evidence"] == {}


def test_renders_count_the_evidence_an_element_rests_on() -> None:
    from journeyline.render import layout_map, render_svg

    journey, workspace = _journey()
    svg = render_svg(layout_map(journey, workspace))  # type: ignore[arg-type]
    assert "✓ 1 evidence" in svg  # the moment of truth quoted by the map's evidence
    assert svg.count(">Assumption<") >= 1


def test_docs_quote_the_gate_and_the_search_verbatim() -> None:
    import inspect

    from journeyline.research import search
    from tests.conftest import REPO_ROOT

    docs = (REPO_ROOT / "docs" / "feedback.md").read_text(encoding="utf-8")
    for doc in (key_claims.__doc__, search.__doc__):
        quoted = "\n".join(
            f"> {line}" if line else ">" for line in inspect.cleandoc(doc or "").splitlines()
        )
        assert quoted in docs
