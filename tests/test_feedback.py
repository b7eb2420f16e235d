"""Survey import and scores: real-shaped exports, hand-computed scores and intervals, bad input."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from journeyline.cli import app
from journeyline.errors import InvalidInput, LimitExceeded, UsageError
from journeyline.feedback import (
    csat_score,
    mean_score,
    nps_score,
    read_survey,
    score_survey,
    score_survey_file,
    wilson_interval,
)
from journeyline.formats.limits import ImportLimits, applying
from tests.conftest import REPO_ROOT

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "feedback"
runner = CliRunner()


def _by_column(path: Path, **kwargs: Any) -> dict[str, Any]:
    result = score_survey_file(path, **kwargs)
    return {q.column: q for q in result.questions}


def _nps_interval(promoters: int, detractors: int, n: int) -> tuple[float, float]:
    """The normal approximation, by hand, in points."""
    p_p, p_d = promoters / n, detractors / n
    se = math.sqrt((p_p + p_d - (p_p - p_d) ** 2) / n)
    return 100 * max(-1, p_p - p_d - 1.96 * se), 100 * min(1, p_p - p_d + 1.96 * se)


def _score(path: Path, *args: str) -> Any:
    return runner.invoke(app, ["feedback", "score", str(path), *args])


# --- the definitions ---------------------------------------------------------------------------


def test_wilson_matches_the_known_value_for_8_of_10() -> None:
    low, high = wilson_interval(8, 10) or (0.0, 0.0)
    assert round(low, 3) == 0.490
    assert round(high, 3) == 0.943


def test_wilson_at_the_edges_stays_inside_0_and_1() -> None:
    assert wilson_interval(0, 0) is None
    low, high = wilson_interval(0, 20) or (1.0, 1.0)
    assert low == 0.0 and 0.15 < high < 0.17  # 0.161 for 0/20
    low, high = wilson_interval(20, 20) or (0.0, 0.0)
    assert high == 1.0 and 0.83 < low < 0.85


def test_nps_counts_promoters_minus_detractors_in_points() -> None:
    answers = [10.0, 9, 9, 8, 7, 6, 3, 10, 9, 0]  # 5 promoters, 2 passives, 3 detractors
    score = nps_score(answers)
    assert score.n == 10
    assert score.score == pytest.approx(20.0)
    assert score.interval == pytest.approx(_nps_interval(5, 3, 10), abs=0.01)
    assert score.interval == pytest.approx((-34.03, 74.03), abs=0.01)
    assert nps_score([]).score is None


def test_csat_is_the_share_of_4_and_5_with_wilson() -> None:
    score = csat_score([5.0, 4, 5, 4, 4, 3, 2, 5, 4, 5])
    assert score.score == pytest.approx(80.0)
    assert score.interval == pytest.approx((49.0, 94.3), abs=0.05)


def test_ces_is_the_mean_with_a_normal_interval() -> None:
    answers = [7.0, 6, 5, 4, 3, 2, 1, 6]
    score = mean_score(answers)
    mean = sum(answers) / 8
    sd = math.sqrt(sum((a - mean) ** 2 for a in answers) / 7)
    assert score.score == pytest.approx(4.25)
    assert score.interval == pytest.approx(
        (mean - 1.96 * sd / math.sqrt(8), mean + 1.96 * sd / math.sqrt(8)), abs=1e-3
    )
    assert mean_score([5.0]).interval is None


# --- the layouts -------------------------------------------------------------------------------


def test_qualtrics_three_header_rows_labels_and_bom() -> None:
    survey = read_survey(FIXTURES / "qualtrics.csv")
    assert survey.layout == "qualtrics"
    assert survey.columns[0].name == "StartDate"  # the BOM is gone
    assert survey.columns[0].meta
    assert survey.responses == 10
    questions = _by_column(FIXTURES / "qualtrics.csv")
    assert list(questions) == ["Q1", "Q2", "Q3", "Q4"]
    assert questions["Q1"].question.startswith("How likely are you to recommend")
    assert questions["Q1"].metric == "nps"  # "10 - Extremely likely", "0 - Not at all likely"
    assert questions["Q1"].overall.score == pytest.approx(20.0)
    assert questions["Q2"].metric == "csat"  # "Very satisfied" … "Dissatisfied"
    assert questions["Q2"].overall.score == pytest.approx(80.0)
    assert questions["Q2"].overall.interval == pytest.approx((49.0, 94.3), abs=0.05)
    assert questions["Q4"].metric == "text"
    assert questions["Q4"].overall.n == 7


def test_surveymonkey_two_header_rows_and_options() -> None:
    survey = read_survey(FIXTURES / "surveymonkey.csv")
    assert survey.layout == "surveymonkey"
    assert all(c.meta for c in survey.columns[:9])
    questions = _by_column(FIXTURES / "surveymonkey.csv")
    nps = questions["How likely is it that you would recommend us to a friend or colleague?"]
    # 10 9 8 7 6 5 10 9 and two blanks: 4 promoters, 2 detractors of 8
    assert (nps.metric, nps.overall.n) == ("nps", 8)
    assert nps.overall.score == pytest.approx(25.0)
    assert nps.overall.interval == pytest.approx(_nps_interval(4, 2, 8), abs=0.01)
    csat = questions["How satisfied were you with our support?"]
    assert csat.metric == "csat" and csat.overall.score == pytest.approx(70.0)
    assert "Which channel did you use? - Email" in questions
    assert questions["Which channel did you use? - Email"].question == "Which channel did you use?"


def test_google_forms_agreement_labels_read_as_ces() -> None:
    survey = read_survey(FIXTURES / "google_forms.csv")
    assert survey.layout == "google_forms"
    questions = _by_column(FIXTURES / "google_forms.csv")
    agree = questions["The company made it easy for me to handle my issue."]
    assert agree.metric == "ces"  # Strongly agree = 7 … Strongly disagree = 1
    assert agree.overall.score == pytest.approx(34 / 8)
    ease = questions["How easy was it to find what you needed? (1-7)"]
    assert ease.metric == "ces" and ease.overall.n == 7
    assert ease.overall.score == pytest.approx(37 / 7)
    assert "Email Address" not in questions and "Timestamp" not in questions


def test_typeform_layout() -> None:
    survey = read_survey(FIXTURES / "typeform.csv")
    assert survey.layout == "typeform"
    questions = _by_column(FIXTURES / "typeform.csv")
    assert [q.metric for q in questions.values()] == ["nps", "csat", "text"]
    nps = next(iter(questions.values()))
    # 9 10 3 7 8 10: 3 promoters, 1 detractor of 6
    assert nps.overall.score == pytest.approx(100 * 2 / 6)
    assert "Network ID" not in questions


def test_plain_table_grouped_by_touchpoint() -> None:
    result = score_survey_file(FIXTURES / "plain.csv", by="touchpoint")
    questions = {q.column: q for q in result.questions}
    assert "touchpoint" not in questions and "response_id" not in questions
    assert [q.metric for q in questions.values()] == ["nps", "csat", "ces", "text"]
    nps = questions["nps"]
    # Support: 2, 9, 5 → 1 promoter, 2 detractors of 3
    support = nps.groups["Support"]
    assert support.n == 3 and support.score == pytest.approx(-100 / 3)
    assert support.interval == pytest.approx(_nps_interval(1, 2, 3), abs=0.01)
    assert questions["csat"].groups["Sign up"].score == pytest.approx(100.0)
    assert questions["ces"].groups["Onboarding"].score == pytest.approx((3 + 5 + 5 + 6) / 4)
    assert sum(g.n for g in nps.groups.values()) == nps.overall.n == 12


def test_xlsx_survey_is_read_and_errors_name_the_cell(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Responses"
    sheet.append(["Timestamp", "How likely are you to recommend us?", "Comments"])
    for value in (10, 9, 3, "8", None):
        sheet.append(["2024-01-01", value, "fine"])
    path = tmp_path / "survey.xlsx"
    book.save(path)
    questions = _by_column(path)
    nps = questions["How likely are you to recommend us?"]
    assert (nps.metric, nps.overall.n) == ("nps", 4)
    assert nps.overall.score == pytest.approx(25.0)
    sheet.append(["2024-01-02", 12, ""])
    book.save(path)
    with pytest.raises(InvalidInput) as error:
        score_survey_file(path)
    assert "Responses!B7" in error.value.message
    assert "outside the NPS scale" in error.value.message


def test_utf16_tab_separated_export(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    text = "Timestamp\tHow satisfied are you?\r\n2024\t5\r\n2024\t2\r\n"
    path.write_bytes(text.encode("utf-16"))
    (question,) = score_survey_file(path).questions
    assert (question.metric, question.overall.score) == ("csat", 50.0)


def test_bom_on_a_plain_table(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_bytes("\ufeffnps,comment\n9,good\n10,\n".encode())
    questions = _by_column(path)
    assert questions["nps"].metric == "nps" and questions["nps"].overall.score == 100.0


def test_override_changes_the_detected_kind() -> None:
    questions = _by_column(FIXTURES / "plain.csv", overrides={"ces": "numeric", "nps": "text"})
    assert questions["ces"].metric == "numeric" and not questions["ces"].detected
    assert questions["nps"].metric == "text" and questions["nps"].overall.score is None


# --- bad input ---------------------------------------------------------------------------------


def _write(tmp_path: Path, text: str, name: str = "survey.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_no_recognisable_question(tmp_path: Path) -> None:
    path = _write(tmp_path, "Timestamp,Email Address\n2024-01-01,a@example.com\n")
    with pytest.raises(InvalidInput, match="no recognisable question"):
        score_survey_file(path)
    with pytest.raises(InvalidInput, match="empty"):
        score_survey_file(_write(tmp_path, "\n\n", "empty.csv"))


def test_score_outside_its_scale_names_column_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,How likely are you to recommend us?\n1,9\n2,11\n")
    with pytest.raises(InvalidInput) as error:
        score_survey_file(path)
    message = error.value.message
    assert f"{path}:3:2:" in message
    assert "column 'How likely are you to recommend us?'" in message
    assert "'11' is outside the NPS scale" in message
    path = _write(tmp_path, "How satisfied are you?\n9\n", "ten.csv")
    with pytest.raises(InvalidInput, match="CSAT scale") as error:
        score_survey_file(path)
    assert "--metric 'How satisfied are you?=numeric'" in error.value.message
    assert score_survey_file(path, overrides={"How satisfied are you?": "numeric"})


def test_mixed_scales_in_one_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "q\nVery satisfied\nSatisfied\nStrongly agree\n")
    with pytest.raises(InvalidInput) as error:
        score_survey_file(path)
    assert "mixed scales" in error.value.message
    assert f"{path}:4:1:" in error.value.message


def test_the_first_bad_response_is_named_after_repeated_good_ones(tmp_path: Path) -> None:
    # Answers are read once per distinct value: the one named is still the first in the file.
    rows = ["9", "10", "9", "12", "9", "13", "12"]
    path = _write(tmp_path, "How likely are you to recommend us?\n" + "\n".join(rows) + "\n")
    with pytest.raises(InvalidInput) as error:
        score_survey_file(path)
    assert f"{path}:5:1:" in error.value.message and "'12' is outside" in error.value.message
    path = _write(tmp_path, "q\nSatisfied\nSatisfied\n4\nVery satisfied\nAgree\n", "mixed.csv")
    with pytest.raises(InvalidInput, match="mixed scales") as error:
        score_survey_file(path)
    assert f"{path}:6:1:" in error.value.message


def test_cells_past_the_header_are_kept_in_columns_of_their_own(tmp_path: Path) -> None:
    from journeyline.feedback import read_survey

    path = _write(tmp_path, "a,b\n1,2\n3,4,,x\n5,6, ,\n")
    survey = read_survey(path)
    assert [c.name for c in survey.columns] == ["a", "b", "column 3", "column 4"]
    assert [c.answers for c in survey.columns] == [
        ["1", "3", "5"],
        ["2", "4", "6"],
        ["", "", ""],
        ["", "x", ""],
    ]
    assert [c.position for c in survey.columns] == [1, 2, 3, 4]


def test_override_refuses_answers_that_are_no_score(tmp_path: Path) -> None:
    path = _write(tmp_path, "q\n9\ngreat service\n")
    assert score_survey_file(path).questions[0].metric == "text"
    with pytest.raises(InvalidInput, match=r":3:1: column 'q': 'great service' is not a score"):
        score_survey_file(path, overrides={"q": "nps"})


def test_unknown_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("question,comment\n5,très bien\n".encode("cp1252"))
    with pytest.raises(InvalidInput, match=r"not UTF-8 text .*unknown encoding") as error:
        score_survey_file(path)
    assert error.value.message.startswith(f"{path}:2: not UTF-8 text (byte 0xe8)")
    assert score_survey_file(path, encoding="cp1252").questions[1].overall.n == 1
    with pytest.raises(UsageError, match="unknown encoding 'klingon'"):
        score_survey_file(path, encoding="klingon")


def test_unknown_column_gets_a_did_you_mean() -> None:
    with pytest.raises(UsageError, match="did you mean 'touchpoint'"):
        score_survey_file(FIXTURES / "plain.csv", by="touchpoints")


def test_cells_and_text_are_bounded(tmp_path: Path) -> None:
    with pytest.raises(LimitExceeded, match="cells"):
        score_survey_file(FIXTURES / "plain.csv", limits=ImportLimits(cells=20))
    path = _write(tmp_path, "comment\n" + "x" * 200 + "\n")
    with pytest.raises(LimitExceeded, match="text_chars"):
        score_survey_file(path, limits=ImportLimits(text_chars=100))


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(InvalidInput, match="not an XLSX workbook"):
        score_survey_file(path)


# --- a large file ------------------------------------------------------------------------------


def test_100000_responses(tmp_path: Path) -> None:
    n = 100_000
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("response_id,step,How likely are you to recommend us?,csat,ces,comment\n")
        for i in range(n):
            out.write(
                f"{i},{'AB'[i % 2]},{i % 11},{i % 5 + 1},{i % 7 + 1},{'ok' if i % 3 else ''}\n"
            )
    with applying(ImportLimits(cells=1_000_000)):
        result = score_survey(read_survey(path), by="step")
    questions = {q.column: q for q in result.questions}
    nps = questions["How likely are you to recommend us?"]
    promoters = sum(1 for i in range(n) if i % 11 >= 9)
    detractors = sum(1 for i in range(n) if i % 11 <= 6)
    assert nps.overall.n == n
    assert nps.overall.score == pytest.approx(100 * (promoters - detractors) / n)
    assert nps.overall.interval == pytest.approx(_nps_interval(promoters, detractors, n), abs=0.01)
    csat = questions["csat"]
    assert csat.overall.score == pytest.approx(40.0)
    assert questions["ces"].overall.score == pytest.approx(sum(i % 7 + 1 for i in range(n)) / n)
    assert questions["comment"].overall.n == n - len(range(0, n, 3))
    assert set(nps.groups) == {"A", "B"}


# --- the command -------------------------------------------------------------------------------

CONTRACT = {"column", "metric", "n", "score", "interval"}


def test_cli_json_contract() -> None:
    result = _score(FIXTURES / "qualtrics.csv", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["questions"]
    for question in data["questions"]:
        assert set(question) >= CONTRACT
        assert isinstance(question["column"], str)
        assert question["metric"] in ("nps", "csat", "ces", "numeric", "text")
        assert isinstance(question["n"], int)
        if question["metric"] == "text":
            assert question["score"] is None and question["interval"] is None
        else:
            assert isinstance(question["score"], float)
            low, high = question["interval"]
            assert low <= question["score"] <= high
    q2 = next(q for q in data["questions"] if q["column"] == "Q2")
    assert q2["score"] == pytest.approx(80.0)
    assert q2["interval"] == pytest.approx([49.0, 94.3], abs=0.05)


def test_cli_groups_metric_and_text_table() -> None:
    result = _score(
        FIXTURES / "plain.csv", "--by", "touchpoint", "--metric", "ces=numeric", "-f", "json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    ces = next(q for q in data["questions"] if q["column"] == "ces")
    assert ces["metric"] == "numeric"
    assert {g["group"] for g in ces["groups"]} == {"Sign up", "Onboarding", "Support"}
    assert all(CONTRACT - {"column", "metric"} <= set(g) for g in ces["groups"])
    text = _score(FIXTURES / "plain.csv", "--by", "touchpoint")
    assert text.exit_code == 0
    assert "Onboarding" in text.stdout and "nps 0–10" in text.stdout


def test_cli_errors_and_exit_codes(tmp_path: Path) -> None:
    bad = _write(tmp_path, "q\nVery satisfied\nStrongly agree\n")
    result = _score(bad)
    assert result.exit_code == 1
    assert "mixed scales" in result.stderr
    result = _score(bad, "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"]["type"] == "InvalidInput"
    assert _score(FIXTURES / "plain.csv", "--metric", "nps=stars").exit_code == 2
    assert _score(FIXTURES / "plain.csv", "--metric", "nope=nps").exit_code == 2
    assert _score(tmp_path / "missing.csv").exit_code == 1
    assert _score(FIXTURES / "plain.csv", "--limit", "cells=5").exit_code == 1


def test_an_unanswered_question_is_listed_with_no_score(tmp_path: Path) -> None:
    path = _write(tmp_path, "How likely are you to recommend us?,Comments,csat\n,,5\n,,4\n")
    questions = _by_column(path)
    nps = questions["How likely are you to recommend us?"]
    assert (nps.metric, nps.overall.n, nps.overall.score) == ("nps", 0, None)
    assert questions["Comments"].metric == "text"
    with pytest.raises(InvalidInput, match="no recognisable question"):
        score_survey_file(_write(tmp_path, "q1,q2\n,\n1,\n", "blank.csv"), by="q1")


def test_a_gigantic_line_is_refused_before_it_is_read_whole(tmp_path: Path) -> None:
    path = _write(tmp_path, "a,b\n" + "," * 5_000 + "\n")
    with pytest.raises(LimitExceeded, match=r":2: line 2 holds more than 4,100 characters"):
        score_survey_file(path, limits=ImportLimits(text_chars=1_000, cells=100))


def test_workbook_bombs_are_refused(tmp_path: Path) -> None:
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["How satisfied are you?"])
    for _ in range(50):
        sheet.append([5])
    path = tmp_path / "survey.xlsx"
    book.save(path)
    with pytest.raises(LimitExceeded, match="unpacked_bytes"):
        score_survey_file(path, limits=ImportLimits(unpacked_bytes=1_000))
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bomb, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + data[38:]
            out.writestr(info, data)
    with pytest.raises(InvalidInput, match="DTD"):
        score_survey_file(bomb)
