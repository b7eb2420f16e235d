"""Voice of the customer: survey exports read, each question's kind detected, scores with
their uncertainty (NPS, CSAT, CES) overall and per touchpoint, step or segment."""

from journeyline.feedback.questions import (
    METRICS,
    SCALES,
    Question,
    detect_questions,
    parse_overrides,
)
from journeyline.feedback.scores import (
    QuestionScore,
    Score,
    SurveyScores,
    csat_score,
    mean_score,
    nps_score,
    score_answers,
    score_question,
    score_survey,
    score_survey_file,
    wilson_interval,
)
from journeyline.feedback.survey import LAYOUTS, Survey, SurveyColumn, read_survey

__all__ = [
    "LAYOUTS",
    "METRICS",
    "SCALES",
    "Question",
    "QuestionScore",
    "Score",
    "Survey",
    "SurveyColumn",
    "SurveyScores",
    "csat_score",
    "detect_questions",
    "mean_score",
    "nps_score",
    "parse_overrides",
    "read_survey",
    "score_answers",
    "score_question",
    "score_survey",
    "score_survey_file",
    "wilson_interval",
]
