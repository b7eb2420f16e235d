"""Public labelled sentiment data for `scripts/train_sentiment.py` and `bench/bench_sentiment.py`.

The files are read where they lie, never copied into the project: a folder (by default
`../shared/data/sentiment/` beside the project, or `--data DIR`) holding any of

| Set | Files | Source | Licence | Labels used |
|---|---|---|---|---|
| `vader_*` (4 sets) | `hutto_ICWSM_2014/{tweets,amazonReviewSnippets,movieReviewSnippets,nytEditorialSnippets}_GroundTruth.txt`, or `hutto_ICWSM_2014.tar.gz` holding them | Hutto & Gilbert, ICWSM 2014: the ground truth of the VADER paper, the mean of 20 raters on −4…4 (github.com/cjhutto/vaderSentiment, `additional_resources/`) | MIT (the repository's licence) | ≥ 0.5 positive, ≤ −0.5 negative, else neutral |
| `uci_*` (3 sets) | `uci/{amazon_cells,yelp,imdb}_labelled.txt` | Kotzias et al., KDD 2015, "From Group to Individual Labels using Deep Features": UCI Machine Learning Repository, "Sentiment Labelled Sentences" | CC BY 4.0 | 1 positive, 0 negative |
| `airline` | `airline/Tweets.csv` | "Twitter US Airline Sentiment" (Figure Eight / CrowdFlower "Data for Everyone", February 2015 tweets to six US airlines), as republished on Kaggle | CC BY-NC-SA 4.0: evaluation only, never trained on for the shipped model | `airline_sentiment` |
"""

from __future__ import annotations

import csv
import io
import tarfile
from dataclasses import dataclass
from pathlib import Path

VADER_SETS = {
    "vader_tweets": "tweets",
    "vader_amazon": "amazonReviewSnippets",
    "vader_movies": "movieReviewSnippets",
    "vader_nyt": "nytEditorialSnippets",
}
UCI_SETS = {"uci_amazon": "amazon_cells", "uci_yelp": "yelp", "uci_imdb": "imdb"}
TRAINABLE = (*VADER_SETS, *UCI_SETS)
"""Sets whose licence lets the shipped model be trained on them."""
EVALUATION_ONLY = ("airline",)

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "sentiment"


@dataclass
class LabelledSet:
    name: str
    texts: list[str]
    labels: list[str]
    classes: tuple[str, ...]
    source: str
    licence: str


def _vader_text(data: Path, stem: str) -> str | None:
    path = data / "hutto_ICWSM_2014" / f"{stem}_GroundTruth.txt"
    if path.is_file():
        return path.read_text(encoding="utf-8", errors="replace")
    archive = data / "hutto_ICWSM_2014.tar.gz"
    if archive.is_file():
        with tarfile.open(archive) as tar:
            member = tar.extractfile(f"hutto_ICWSM_2014/{stem}_GroundTruth.txt")
            if member is not None:
                return member.read().decode("utf-8", errors="replace")
    return None


def load(name: str, data: Path = DEFAULT_DATA) -> LabelledSet | None:
    """One labelled set, or None when its files are not in `data`."""
    if name in VADER_SETS:
        text = _vader_text(data, VADER_SETS[name])
        if text is None:
            return None
        texts, labels = [], []
        for line in text.splitlines():
            parts = line.split("\t")
            if len(parts) < 3 or not parts[2].strip():
                continue
            value = float(parts[1])
            texts.append(parts[2].strip())
            labels.append(
                "positive" if value >= 0.5 else "negative" if value <= -0.5 else "neutral"
            )
        return LabelledSet(
            name,
            texts,
            labels,
            ("negative", "neutral", "positive"),
            "Hutto & Gilbert (ICWSM 2014), VADER ground truth",
            "MIT",
        )
    if name in UCI_SETS:
        path = data / "uci" / f"{UCI_SETS[name]}_labelled.txt"
        if not path.is_file():
            return None
        texts, labels = [], []
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            text, _, label = line.rpartition("\t")
            if label.strip() not in ("0", "1") or not text.strip():
                continue
            texts.append(text.strip())
            labels.append("positive" if label.strip() == "1" else "negative")
        return LabelledSet(
            name,
            texts,
            labels,
            ("negative", "positive"),
            "Kotzias et al. (KDD 2015), UCI Sentiment Labelled Sentences",
            "CC BY 4.0",
        )
    if name == "airline":
        path = data / "airline" / "Tweets.csv"
        if not path.is_file():
            return None
        reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8", errors="replace")))
        texts, labels = [], []
        for record in reader:
            if record.get("airline_sentiment") in ("positive", "negative", "neutral"):
                texts.append(record["text"])
                labels.append(record["airline_sentiment"])
        return LabelledSet(
            name,
            texts,
            labels,
            ("negative", "neutral", "positive"),
            "Twitter US Airline Sentiment (Figure Eight, 2015)",
            "CC BY-NC-SA 4.0",
        )
    raise ValueError(f"unknown set {name!r}")
