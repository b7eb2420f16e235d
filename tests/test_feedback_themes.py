"""Themes in comments: `journeyline feedback themes`, the grouping, the quotes and the
suggested pain points a person accepts or rejects (issue 15, part 4)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

from journeyline.cli import app
from journeyline.feedback.sentiment import score_texts
from journeyline.feedback.themes import accept_pain_point, find_themes, theme_text
from journeyline.model.journey import JourneyMap
from tests.comments_support import TOPICS, generate_comments, generate_labelled_comments

FIXTURES = Path(__file__).parent / "fixtures" / "feedback"
runner = CliRunner()


def _generated(count: int) -> tuple[list[tuple[str, str, str]], object]:
    labelled = generate_labelled_comments(count, seed=7, foreign_share=0.0)
    texts = [text for text, _, _ in labelled]
    return labelled, find_themes(texts, score_texts(texts), k=len(TOPICS))


def test_generated_topics_come_back_as_themes() -> None:
    """3,000 comments on six topics: each theme is mostly one topic, and most topics lead one."""
    labelled, found = _generated(3_000)
    assert len(found.themes) == len(TOPICS)
    assert sum(t.size for t in found.themes) + found.unthemed == found.read == 3_000
    assert [t.size for t in found.themes] == sorted((t.size for t in found.themes), reverse=True)
    led = set()
    for theme in found.themes:
        topics = Counter(labelled[row - 1][1] for row in theme.rows)
        topic, _count = topics.most_common(1)[0]
        led.add(topic)
        assert theme.reach == round(theme.size / 3_000, 4)
        assert len(theme.quotes) == 3
        for quote in theme.quotes:
            assert labelled[quote.row - 1][0].startswith(quote.text.rstrip("…")[:40])
    # the neutral comments spread over the themes; most topics lead one
    assert len(led - {""}) >= 4


def test_negative_themes_become_suggested_pain_points_with_evidence() -> None:
    _labelled, found = _generated(3_000)
    assert found.pain_points, "60 % of the generated comments are complaints"
    for pain in found.pain_points:
        theme = found.themes[pain.theme - 1]
        assert pain.status == "suggested"
        assert pain.reach == theme.reach
        assert theme.sentiment.negative / theme.sentiment.n >= 0.5
        assert pain.evidence and all(q.label == "negative" for q in pain.evidence)
        assert all(q.row in theme.rows for q in pain.evidence)
        assert pain.id.startswith("pain-")
    assert len({p.id for p in found.pain_points}) == len(found.pain_points)


def test_accepting_a_suggestion_adds_the_pain_point_and_its_quotes() -> None:
    _, found = _generated(600)
    suggestion = found.pain_points[0]
    journey = JourneyMap(name="Shop")
    updated = accept_pain_point(journey, suggestion, source="comments.csv")
    assert suggestion.status == "accepted"
    assert journey.pain_points == []  # the original is untouched
    pain = updated.pain_points[0]
    assert pain.id == suggestion.id and pain.reach == suggestion.reach
    assert [e.quote for e in updated.evidence] == [q.text for q in suggestion.evidence]
    assert all(e.links == [suggestion.id] and e.kind == "quote" for e in updated.evidence)


def test_the_number_of_themes_is_chosen_when_not_given() -> None:
    labelled = generate_labelled_comments(1_500, seed=11, foreign_share=0.0)
    texts = [t for t, _, _ in labelled]
    found = find_themes(texts, score_texts(texts))
    assert 2 <= len(found.themes) <= 12


def test_too_few_comments_make_no_theme() -> None:
    texts = ["Great", "Bad delivery", "Fine"]
    found = find_themes(texts, score_texts(texts))
    assert found.themes == [] and found.unthemed == 3


def test_links_and_handles_are_not_themes() -> None:
    assert "http" not in theme_text("@united my bag http://t.co/x1 is lost #fail")
    assert "@united" not in theme_text("@united my bag is lost")


def test_cli_json_shape_and_other_languages_left_out() -> None:
    result = runner.invoke(
        app,
        ["feedback", "themes", str(FIXTURES / "comments.txt"), "--themes", "3", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["model"] == "journeyline-sentiment-1"
    assert data["comments"] == 12 and data["read"] == 10  # the German and French are not read
    assert data["languages"]["de"] == 1
    for theme in data["themes"]:
        assert set(theme) >= {
            "id",
            "label",
            "terms",
            "size",
            "reach",
            "sentiment",
            "quotes",
            "pain_point",
        }
        for quote in theme["quotes"]:
            assert set(quote) == {"row", "text", "label", "score"}
    for pain in data["pain_points"]:
        assert set(pain) == {"id", "name", "description", "reach", "theme", "status", "evidence"}
        assert pain["status"] == "suggested"


def test_cli_text_output_shows_suggestions(tmp_path: Path) -> None:
    path = tmp_path / "comments.csv"
    rows = generate_labelled_comments(400, seed=5, foreign_share=0.0)
    path.write_text(
        "id,comment\n" + "".join(f'{i},"{t}"\n' for i, (t, _, _) in enumerate(rows, 1)),
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["feedback", "themes", str(path), "--text-col", "comment", "--themes", "6"]
    )
    assert result.exit_code == 0, result.output
    assert "400 comments read, 6 themes" in result.stdout
    assert "Suggested pain points (accept or reject each):" in result.stdout
    assert "evidence, row " in result.stdout


def test_cli_bad_options() -> None:
    result = runner.invoke(
        app, ["feedback", "themes", str(FIXTURES / "comments.txt"), "--themes", "0"]
    )
    assert result.exit_code == 2 and "--themes must be from 1 to 100" in result.output
    result = runner.invoke(
        app, ["feedback", "themes", str(FIXTURES / "comments.csv"), "--text-col", "nope"]
    )
    assert result.exit_code == 2 and "no column 'nope'" in result.output


def test_comments_equally_near_the_centre_are_quoted_in_file_order() -> None:
    """Comments with the same terms (numbers and punctuation are not terms) lie equally near
    their theme's centre: each theme's first quote is the earliest of them in the file,
    whatever the float noise of the arithmetic says of the tie, and the same on every run."""
    texts = list(generate_comments(2_000))
    sentiments = score_texts(texts)
    found = find_themes(texts, sentiments)
    token = re.compile(r"(?u)\b[^\W\d_][\w']+\b")

    def terms(row: int) -> list[str]:
        return token.findall(theme_text(texts[row - 1]).lower())

    assert len(found.themes) >= 3
    for theme in found.themes:
        first = theme.quotes[0].row
        assert first == min(row for row in theme.rows if terms(row) == terms(first))
    again = find_themes(list(texts), sentiments)
    assert [t.to_dict() for t in again.themes] == [t.to_dict() for t in found.themes]
