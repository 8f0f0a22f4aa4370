"""The CSV files of theme suggestion: findings in, coded examples in, predictions out.

- Findings: columns ``id``, ``finding`` and optionally ``polarity``.
- Examples (previously coded findings, as ../shared/themes/seed-labels.csv): ``finding`` and
  ``themes`` ("slug; slug", sub-themes "parent.child" count as the parent); optionally
  ``polarity`` and ``file`` (the briefing it comes from, used to group the cross-validation).
- Predictions: ``id``, ``themes`` (applied, "a; b") and ``ranked`` (candidates best first), the
  format ../shared/eval/score_themes.py reads.

Problems are reported as :class:`CsvProblem` with the file, line and column named.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from maqa.suggestions.taxonomy import Taxonomy

FINDING_COLUMNS = ("id", "finding")
EXAMPLE_COLUMNS = ("finding", "themes")
OUTPUT_COLUMNS = ("id", "themes", "ranked")
RANKED_IN_OUTPUT = 5  # candidates written to the ranked column
MAX_PROBLEMS = 10


class CsvProblem(ValueError):
    """A CSV file cannot be used; the message names the file and the problems."""


@dataclass(frozen=True)
class Finding:
    id: str
    text: str
    polarity: str | None


@dataclass(frozen=True)
class CodedFinding:
    text: str
    polarity: str | None
    themes: tuple[str, ...]  # top-level slugs, as given order (primary first)
    group: str | None  # the "file" column, when there is one
    line: int


def split_slugs(cell: str | None) -> list[str]:
    """Split a themes cell: 'a; b.c, d' gives ['a', 'b.c', 'd'] (the scorer accepts ; and ,)."""
    return [s.strip() for s in (cell or "").replace(",", ";").split(";") if s.strip()]


def _read(path: Path, required: Sequence[str], what: str) -> tuple[list[str], list[dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise CsvProblem(f"{what} {path}: no such file") from exc
    except IsADirectoryError as exc:
        raise CsvProblem(f"{what} {path}: is a folder, not a CSV file") from exc
    except UnicodeDecodeError as exc:
        raise CsvProblem(f"{what} {path}: not UTF-8 text (save the CSV as UTF-8)") from exc
    except OSError as exc:
        raise CsvProblem(f"{what} {path}: cannot read it ({exc.strerror or exc})") from exc
    if not text.strip():
        raise CsvProblem(
            f"{what} {path}: the file is empty; it needs a header row with the columns {', '.join(required)}"
        )
    try:
        reader = csv.DictReader(text.splitlines(keepends=True))
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        raw_rows = list(reader)
    except csv.Error as exc:
        raise CsvProblem(f"{what} {path}: not a readable CSV file ({exc})") from exc
    missing = [c for c in required if c not in header]
    if missing:
        found = ", ".join(h for h in header if h) or "none"
        raise CsvProblem(
            f"{what} {path}: missing column(s) {', '.join(missing)} "
            f"(columns found: {found}; needed: {', '.join(required)})"
        )
    names = dict(zip(reader.fieldnames or [], header, strict=True))
    rows = []
    for raw in raw_rows:
        row = {
            names[k]: (v or "").strip() for k, v in raw.items() if k in names and isinstance(v, str)
        }
        rows.append(row)
    return header, rows


def _raise(path: Path, what: str, problems: list[str]) -> None:
    if not problems:
        return
    more = len(problems) - MAX_PROBLEMS
    listed = "; ".join(problems[:MAX_PROBLEMS]) + (f"; and {more} more" if more > 0 else "")
    raise CsvProblem(f"{what} {path}: {listed}")


def read_findings(path: str | Path) -> list[Finding]:
    file = Path(path)
    _header, rows = _read(file, FINDING_COLUMNS, "findings file")
    problems: list[str] = []
    seen: dict[str, int] = {}
    findings = []
    for n, row in enumerate(rows, start=2):  # line 1 is the header
        ident, text = row.get("id", ""), row.get("finding", "")
        if not ident:
            problems.append(f"line {n}: empty id")
        elif ident in seen:
            problems.append(f"line {n}: id {ident!r} repeats line {seen[ident]}")
        else:
            seen[ident] = n
        if not text:
            problems.append(f"line {n}: empty finding")
        findings.append(Finding(ident, text, row.get("polarity") or None))
    _raise(file, "findings file", problems)
    if not findings:
        raise CsvProblem(f"findings file {file}: no findings (only a header row)")
    return findings


def read_examples(path: str | Path, taxonomy: Taxonomy) -> list[CodedFinding]:
    file = Path(path)
    header, rows = _read(file, EXAMPLE_COLUMNS, "examples file")
    problems: list[str] = []
    examples = []
    for n, row in enumerate(rows, start=2):
        text, cell = row.get("finding", ""), row.get("themes", "")
        slugs = split_slugs(cell)
        if not text:
            problems.append(f"line {n}: empty finding")
        if not slugs:
            problems.append(f"line {n}: no themes")
        resolved: list[str] = []
        for slug in slugs:
            try:
                top = taxonomy.resolve(slug)
            except KeyError:
                problems.append(f"line {n}: unknown theme {slug!r} (not in the taxonomy)")
                continue
            if top not in resolved:
                resolved.append(top)
        examples.append(
            CodedFinding(
                text=text,
                polarity=row.get("polarity") or None,
                themes=tuple(resolved),
                group=(row.get("file") or None) if "file" in header else None,
                line=n,
            )
        )
    _raise(file, "examples file", problems)
    if not examples:
        raise CsvProblem(f"examples file {file}: no examples (only a header row)")
    return examples


def write_predictions(
    path: str | Path, rows: Iterable[tuple[str, Sequence[str], Sequence[str]]]
) -> int:
    """rows: (id, applied slugs, ranked slugs). Returns how many rows were written."""
    count = 0
    with Path(path).open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(OUTPUT_COLUMNS)
        for ident, applied, ranked in rows:
            writer.writerow([ident, "; ".join(applied), "; ".join(list(ranked)[:RANKED_IN_OUTPUT])])
            count += 1
    return count
