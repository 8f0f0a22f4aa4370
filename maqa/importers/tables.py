"""Tables flattened into text, for HTML and Word documents."""

from __future__ import annotations

import re

from maqa.importers.headings import classify


def table_lines(table: list[list[list[str]]]) -> list[str]:
    """A table (rows of cells of lines) as text lines.

    A table whose header row names two or more sections ("Strengths | Areas for development")
    is read column by column: each column becomes a heading and its cells bullet points. Other
    tables are read row by row; a two-cell row becomes "label: value".
    """
    rows = [[[line for line in cell if line.strip()] for cell in row] for row in table]
    rows = [row for row in rows if any(row)]
    if not rows:
        return [""]
    header = [" ".join(cell) for cell in rows[0]]
    if len(header) >= 2 and sum(1 for h in header if h and classify(h)) >= 2:
        lines: list[str] = [""]
        for column, name in enumerate(header):
            lines += ["", f"### {name}", ""]
            for row in rows[1:]:
                if column < len(row):
                    lines += [_as_bullet(line) for line in row[column]]
        return [*lines, ""]
    lines = [""]
    for row in rows:
        cells = [" ".join(_strip_bullet(line) for line in cell) for cell in row]
        cells = [c for c in cells if c]
        if not cells:
            continue
        if len(row) == 1 and len(row[0]) > 1:
            lines += [*row[0], ""]
        elif len(cells) == 2:
            lines += [f"{cells[0].rstrip(':')}: {cells[1]}", ""]
        else:
            lines += [" | ".join(cells), ""]
    return lines


def _strip_bullet(line: str) -> str:
    return re.sub(r"^\s*(?:-|1\.)\s+", "", line)


def _as_bullet(line: str) -> str:
    line = line.strip()
    return line if re.match(r"^(?:-|1\.)\s", line) else f"- {line}"
