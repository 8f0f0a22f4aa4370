"""The columns of a case list (the same for a file, the template and a case entered by hand), and
the words accepted in its plan type, category and sex columns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from maqa.audits.models import CPCategory, PlanType, Sex

DATE_FORMS = "YYYY-MM-DD or DD/MM/YYYY"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool  # whether every row needs a value
    accepts: str  # what to write, for the upload page and the template


COLUMNS = (
    Column("case_number", "Case number", True,
           "The child's case number in the lead agency's system, up to 40 characters. "
           "Each child once."),
    Column("name", "Name", True, "The child's full name, up to 200 characters."),
    Column("date_of_birth", "Date of birth", True, f"A date: {DATE_FORMS}."),
    Column("sex", "Sex", False, "Girl, female or F; boy, male or M; other; unknown or blank."),
    Column("plan_type", "Plan type", True,
           "Child protection (CP), child in need (CIN), early help (EH), or looked after "
           "(LAC, CLA)."),
    Column("category", "Category", False,
           "For a child protection plan, where it is needed: neglect, emotional abuse, physical "
           "abuse or sexual abuse."),
    Column("plan_start_date", "Plan start date", False, f"A date: {DATE_FORMS}."),
    Column("needs", "Needs", False,
           "Separated by semicolons, for example: neglect; domestic abuse."),
    Column("agencies", "Involved agencies", True,
           "The short names or names of the partnership's organisations, separated by "
           "semicolons."),
    Column("lead_agency", "Lead agency", False,
           "One organisation's short name or name. It counts as involved too."),
    Column("family_group", "Family group", False,
           "The same number or code for brothers and sisters, up to 40 characters. "
           "Never a surname."),
)  # fmt: skip
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}


def word_key(text: str) -> str:
    """Text compared without regard to case, spacing, hyphens or underscores."""
    return " ".join(text.replace("_", " ").replace("-", " ").split()).casefold()


COLUMN_BY_WORD = {word_key(c.header): c for c in COLUMNS}


def _words(
    choices: Mapping[str, Sequence[str]], labels: Sequence[tuple[str, str]]
) -> dict[str, str]:
    """Accepted words for each value: the value, its label, and the extra words given."""
    words = {word_key(value): value for value, _label in labels}
    words.update({word_key(label): value for value, label in labels})
    for value, extra in choices.items():
        words.update({word_key(w): value for w in extra})
    return words


PLAN_WORDS: dict[str, str] = _words(
    {
        PlanType.CHILD_PROTECTION: ["CP", "CPP", "child protection plan"],
        PlanType.CHILD_IN_NEED: ["CIN", "child in need plan"],
        PlanType.EARLY_HELP: ["EH"],
        PlanType.LOOKED_AFTER: ["LAC", "CLA", "looked after child", "child looked after"],
    },
    PlanType.choices,
)


CATEGORY_WORDS: dict[str, str] = _words({}, CPCategory.choices)


SEX_WORDS: dict[str, str] = _words(
    {
        Sex.FEMALE: ["F"],
        Sex.MALE: ["M"],
        Sex.UNKNOWN: ["", "not known"],
    },
    Sex.choices,
)
