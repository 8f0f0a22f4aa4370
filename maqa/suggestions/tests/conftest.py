from __future__ import annotations

import csv
from pathlib import Path

import pytest

from maqa.suggestions import embeddings
from maqa.suggestions.taxonomy import Taxonomy, load_taxonomy

# A small coded set, written for these tests (not from the seeds): three findings for each of
# eight themes, in two made-up briefings so the threshold cross-validation has groups.
EXAMPLES: list[tuple[str, str, str, str]] = [
    ("Domestic abuse risk checklist not completed by the school", "concern", "risk-tools", "a"),
    ("Health visitor used the neglect toolkit well", "strength", "risk-tools", "b"),
    ("All agencies to complete the DA risk checklist", "action", "risk-tools", "a"),
    ("The baby's daily experience was not described", "concern", "child-voice", "b"),
    ("The young person's wishes were written in her own words", "strength", "child-voice", "a"),
    ("Record what the child says about home life", "action", "child-voice", "b"),
    ("Stepfather never spoken to by any agency", "concern", "fathers-male-carers", "a"),
    ("Dad invited to every core group and attended", "strength", "fathers-male-carers", "b"),
    ("Include fathers in every assessment", "action", "fathers-male-carers", "a"),
    (
        "Police did not send the strategy minutes to the school",
        "concern",
        "information-sharing",
        "b",
    ),
    ("GP and school shared information promptly", "strength", "information-sharing", "a"),
    ("Tell other agencies when a case closes", "action", "information-sharing", "b"),
    (
        "Professionals accepted the parents' account without question",
        "concern",
        "optimism-compliance",
        "a",
    ),
    ("Worker was curious and tested what the mother said", "strength", "optimism-compliance", "b"),
    ("Be alert to disguised compliance", "action", "optimism-compliance", "a"),
    ("Case closed early and re-referred within a month", "concern", "step-up-down", "b"),
    ("Timely step up to child protection", "strength", "step-up-down", "a"),
    ("Check thresholds before stepping a case down", "action", "step-up-down", "b"),
    ("Twelve month wait for child mental health support", "concern", "service-access", "a"),
    ("Counselling offered quickly by the commissioned service", "strength", "service-access", "b"),
    ("Commissioners to review waiting lists", "action", "service-access", "a"),
    ("No management oversight recorded on the file", "concern", "leadership-learning", "b"),
    ("Supervision notes showed reflective discussion", "strength", "leadership-learning", "a"),
    ("New training on professional curiosity is available", "action", "leadership-learning", "b"),
]


@pytest.fixture(scope="session")
def taxonomy() -> Taxonomy:
    return load_taxonomy()


@pytest.fixture
def examples_csv(tmp_path: Path) -> Path:
    path = tmp_path / "labelled.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "file", "section", "finding", "polarity", "themes", "subthemes"])
        for n, (text, polarity, theme, group) in enumerate(EXAMPLES, start=1):
            writer.writerow([f"t-{n:02d}", f"{group}.txt", "", text, polarity, theme, ""])
    return path


@pytest.fixture
def findings_csv(tmp_path: Path) -> Path:
    path = tmp_path / "findings.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "finding", "polarity"])
        writer.writerow(["f1", "No evidence that the DASH was used by health partners", "concern"])
        writer.writerow(["f2", "The voice of the child was not recorded", "concern"])
        writer.writerow(["f3", "Father not included in the plan or meetings", ""])
    return path


@pytest.fixture
def ml_extra() -> None:
    """Skip unless the maqa[ml] extra (onnxruntime and the pinned model files) is installed."""
    pytest.importorskip(
        "onnxruntime",
        reason="the maqa[ml] extra is not installed (no onnxruntime): maqa runs without it, "
        "with the tfidf method",
    )
    reason = embeddings.unavailable_reason()
    if reason:
        pytest.skip(f"the maqa[ml] extra is not usable here: {reason}")
