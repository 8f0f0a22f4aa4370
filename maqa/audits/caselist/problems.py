"""Problems with a case list: each names its row and column and says what is wrong, but never
quotes a cell (any cell may hold a child's name or date of birth). The same problem on many rows
is listed once, with its rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from maqa.audits.caselist.columns import COLUMN_BY_KEY
from maqa.core.errors import ApplicationError


@dataclass(frozen=True)
class Problem:
    row: int | None  # the row of the file (the heading row is usually 1); None: the whole file
    column: str  # "" for the whole file or row
    message: str
    key: str = ""  # the column's key (a form field, for a case entered by hand)

    @property
    def sentence(self) -> str:
        """The problem on its own, as shown beside a form field (the column named first)."""
        text = self.message
        if text[:1].islower() and self.key:
            text = f"{COLUMN_BY_KEY[self.key].header} {text}"
        return text if text.endswith(".") else f"{text}."


class CaseListProblems(ApplicationError):
    def __init__(self, problems: list[Problem], message: str = "") -> None:
        count = len(problems)
        super().__init__(
            message
            or f"The case list was not imported: it has {count} problem{'s' * (count != 1)}. "
            "Nothing was added. Fix them and upload it again."
        )
        self.problems = sorted(problems, key=lambda p: p.row or 0)


@dataclass(frozen=True)
class ProblemGroup:
    rows: str  # "Whole file", "Row 3" or "Rows 2 to 5, 9"
    column: str
    message: str


def problem_groups(problems: Sequence[Problem]) -> list[ProblemGroup]:
    """The same problem in the same column on many rows, listed once with all its rows."""
    grouped: dict[tuple[str, str], list[int | None]] = {}
    for problem in problems:
        grouped.setdefault((problem.column, problem.message), []).append(problem.row)
    return [
        ProblemGroup(rows=_rows_text(rows), column=column, message=message)
        for (column, message), rows in grouped.items()
    ]


def _rows_text(rows: list[int | None]) -> str:
    numbers = sorted({r for r in rows if r is not None})
    if not numbers:
        return "Whole file"
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    parts = [f"{a}" if a == b else f"{a} to {b}" for a, b in spans]
    return f"Row{'s' * (len(numbers) > 1)} {', '.join(parts)}"
