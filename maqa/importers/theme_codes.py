"""Theme codes kept in a spreadsheet, applied to the partnership's findings matched by their text.

How a partnership brings in coding it did by hand (docs/theme-codes.md). The CSV has the columns
of ../shared/themes/seed-labels.csv: ``finding`` (the point's text), ``polarity`` (concern,
strength or action) and ``themes`` (top-level slugs, "a; b"); optionally ``subthemes``
("parent.child; ..."), applied as well where the partnership's taxonomy has them.

A row matches every finding of the partnership whose text is the same once both are normalised
(:func:`normalised`). Each matched finding's themes and polarity are *replaced* by the row's.
The whole file is read and checked first; a file that cannot be used changes nothing, and the
changes are made in one transaction with one audit event holding the counts.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F

from maqa.accounts.access import is_partnership_admin
from maqa.accounts.models import User
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.findings.models import Finding, LearningTheme, Theme
from maqa.importers.models import ImportedDocument

REQUIRED_COLUMNS = ("finding", "polarity", "themes")
OPTIONAL_COLUMNS = ("subthemes",)
MAX_ROWS = 100_000
SHOWN = 60  # characters of an unmatched row's text shown in the report

_DASHES = dict.fromkeys(
    map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-"
)
_QUOTES = {
    **dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032\u0060\u00b4"), "'"),
    **dict.fromkeys(map(ord, "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"), '"'),
}
# Marks an editor leaves in a copied text: "[…]" where it was cut, "⟨rejoined⟩" notes.
_MARKS = re.compile(r"\[\s*(?:\u2026|\.\.\.)\s*\]|\u27e8[^\u27e9]{0,40}\u27e9")
_TRAILING = re.compile(r"[\s.,;:!?\u2026]+$")
_SPACE = re.compile(r"\s+")


def normalised(text: str) -> str:
    """The text as it is compared: Unicode NFKC, one kind of dash and of quote, single spaces
    (also around dashes), any case, no trailing punctuation (full stops, ellipses, ...) and no
    editor's marks ("[…]" where a text was cut, "⟨rejoined⟩")."""
    text = unicodedata.normalize("NFKC", text or "").translate(_DASHES).translate(_QUOTES)
    text = _MARKS.sub(" ", text)
    text = _SPACE.sub(" ", text).strip()
    text = re.sub(r" ?- ?", lambda m: " - " if m.group(0) != "-" else "-", text)
    return _TRAILING.sub("", text).casefold()


def split_slugs(cell: str | None) -> list[str]:
    """'a; b, c' gives ['a', 'b', 'c'], in order, without repeats."""
    seen: list[str] = []
    for slug in (cell or "").replace(",", ";").split(";"):
        slug = slug.strip().lower()
        if slug and slug not in seen:
            seen.append(slug)
    return seen


@dataclass(frozen=True)
class CodeRow:
    """One row of the file; ``row`` is its row number as a spreadsheet shows it (header = 1)."""

    row: int
    finding: str
    polarity: str
    themes: tuple[str, ...]
    subthemes: tuple[str, ...] = ()


def codes_read(data: bytes) -> list[CodeRow]:
    """The rows of a theme-codes CSV file (UTF-8, with or without a byte-order mark).

    A file that cannot be used at all (not UTF-8, empty, no header, missing columns, not CSV) is
    refused with an :class:`ApplicationError` naming the problem; row-level problems (an unknown
    theme) are left to :func:`theme_codes_apply`, which reports them row by row.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApplicationError(
            f"The file is not UTF-8 text (byte {exc.start + 1} cannot be read): save the "
            "spreadsheet as “CSV UTF-8” and try again."
        ) from exc
    if "\x00" in text:
        raise ApplicationError("The file is not a CSV text file (it holds NUL characters).")
    if not text.strip():
        raise ApplicationError(
            f"The file is empty: it needs a header row with the columns {', '.join(REQUIRED_COLUMNS)}."
        )
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = [h.strip().lower() for h in next(reader, [])]
        records = list(reader)
    except csv.Error as exc:
        raise ApplicationError(f"The file is not a readable CSV file ({exc}).") from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        found = ", ".join(h for h in header if h) or "none"
        raise ApplicationError(
            f"The file has no column {', '.join(missing)} (columns found: {found}; needed: "
            f"{', '.join(REQUIRED_COLUMNS)}, and optionally subthemes)."
        )
    if len(records) > MAX_ROWS:
        raise ApplicationError(f"The file has {len(records):,} rows; at most {MAX_ROWS:,} at once.")
    where = {
        name: header.index(name)
        for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
        if name in header
    }

    def cell(record: list[str], name: str) -> str:
        index = where.get(name)
        return record[index].strip() if index is not None and index < len(record) else ""

    rows = []
    for number, record in enumerate(records, start=2):
        if not any(value.strip() for value in record):
            continue  # a blank line a spreadsheet left at the end
        rows.append(
            CodeRow(
                row=number,
                finding=cell(record, "finding"),
                polarity=cell(record, "polarity").lower(),
                themes=tuple(split_slugs(cell(record, "themes"))),
                subthemes=tuple(split_slugs(cell(record, "subthemes"))),
            )
        )
    if not rows:
        raise ApplicationError("The file has a header row but no rows of codes.")
    return rows


@dataclass
class CodesReport:
    """What applying (or, in a dry run, what would apply) a file of codes did."""

    dry_run: bool
    rows: int = 0
    matched: int = 0  # rows that matched at least one finding
    findings_matched: int = 0  # distinct findings the matched rows code
    changed: int = 0  # findings whose themes or polarity changed
    unchanged: int = 0  # findings that already had exactly these codes
    unmatched: list[tuple[int, str]] = field(default_factory=list)  # (row, first 60 chars)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (row, why)
    shared: list[tuple[int, int]] = field(default_factory=list)  # (row, findings it matched)
    repeated: list[tuple[int, int]] = field(default_factory=list)  # (row, earlier row, same text)
    combined: list[tuple[int, ...]] = field(default_factory=list)  # rows coding one finding
    titles: list[tuple[int, str]] = field(default_factory=list)  # a theme for learning's title
    resources: list[tuple[int, str]] = field(default_factory=list)  # (row, resource named)
    subthemes_left_out: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "matched": self.matched,
            "findings_matched": self.findings_matched,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "unmatched": len(self.unmatched),
            "refused": len(self.refused),
            "titles": len(self.titles),
            "resources": len(self.resources),
        }

    def lines(self) -> list[str]:
        """The report in words, as the command prints it."""
        verb = "would change" if self.dry_run else "changed"
        out = [
            f"{self.rows} rows: {self.matched} matched {self.findings_matched} findings; "
            f"{verb} {self.changed}, {self.unchanged} already coded so; "
            f"{len(self.unmatched)} not matched; {len(self.refused)} refused."
        ]
        if self.titles or self.resources:
            out[0] += (
                f" Of the rows matching no point, {len(self.titles)} are headings of themes for "
                f"learning and {len(self.resources)} are resources."
            )
        for row, count in self.shared:
            out.append(
                f"row {row}: {count} findings have this text; the codes apply to all of them"
            )
        for row, earlier in self.repeated:
            out.append(f"row {row}: the same text as row {earlier}; row {row} is the one applied")
        for combined in self.combined:
            rows = ", ".join(map(str, combined[:-1])) + f" and {combined[-1]}"
            out.append(f"rows {rows} code parts of one point: their themes are applied together")
        for row, text in self.titles:
            out.append(
                f"row {row}: a heading of a theme for learning, not a point (headings carry no "
                f"themes): “{text}”"
            )
        for row, name in self.resources:
            out.append(
                f"row {row}: matches no point; it names a resource the briefing links to (“{name}”)"
            )
        for row, why in self.refused:
            out.append(f"row {row}: refused: {why}")
        for row, text in self.unmatched:
            out.append(f"row {row}: no finding with this text: “{text}”")
        if self.subthemes_left_out:
            out.append(
                "subthemes not in your taxonomy (left out): " + ", ".join(self.subthemes_left_out)
            )
        if self.dry_run:
            out.append("Dry run: nothing was changed.")
        return out


@dataclass(frozen=True)
class _Plan:
    row: CodeRow
    polarity: str | None  # None: keep each finding's polarity
    themes: frozenset[int]


def _themes_of(partnership_id: int) -> dict[str, Theme]:
    return {
        t.slug: t
        for t in Theme.objects.filter(partnership_id=partnership_id).select_related("parent")
    }


def _plan_row(row: CodeRow, themes: dict[str, Theme], left_out: list[str]) -> _Plan | str:
    """The themes and polarity a row gives, or why it is refused."""
    if not row.finding:
        return "the finding column is empty"
    polarity: str | None = row.polarity or None
    if polarity is not None and polarity not in Finding.Polarity.values:
        return f"polarity “{row.polarity}” is not one of concern, strength, action"
    if not row.themes:
        return "no themes given"
    unknown = [slug for slug in row.themes if slug not in themes]
    if unknown:
        return "unknown theme " + ", ".join(f"“{slug}”" for slug in unknown)
    chosen = [themes[slug] for slug in row.themes]
    for slug in row.subthemes:
        theme = themes.get(slug)
        if theme is None or theme.parent_id is None:
            if slug not in left_out:
                left_out.append(slug)
            continue
        chosen.append(theme)
    for theme in chosen:
        retired = theme if theme.retired else theme.parent if theme.parent else None
        if retired is not None and retired.retired:
            instead = f" (use “{retired.successor}” instead)" if retired.successor else ""
            return f"the theme “{theme.slug}” is retired{instead}"
    return _Plan(row=row, polarity=polarity, themes=frozenset(t.pk for t in chosen))


def theme_codes_apply(
    *, actor: User, ip: str | None, rows: Sequence[CodeRow], dry_run: bool = False
) -> CodesReport:
    """Replace the themes and polarity of the actor's partnership's findings matched by text.

    A row matches the findings whose normalised text is its own; failing that, the findings it is
    a whole sentence of (a briefing point the importer joined from two); a finding coded by
    several such rows gets their themes together. A row that is the title of a theme for learning
    or a resource the briefing linked to is named as such (neither carries themes). Rows that
    cannot be used (unknown or retired theme, bad polarity, no themes) are refused and named; the
    other rows are applied. In a dry run nothing is written. A changed finding's version goes up,
    so anyone editing it at the same time is told it changed.
    """
    if not is_partnership_admin(actor) or actor.partnership_id is None:
        raise ApplicationError("Only a partnership admin can apply theme codes.")
    partnership_id = actor.partnership_id
    report = CodesReport(dry_run=dry_run, rows=len(rows))
    themes = _themes_of(partnership_id)
    plans: dict[str, _Plan] = {}  # normalised text -> the last row with it
    for row in rows:
        planned = _plan_row(row, themes, report.subthemes_left_out)
        if isinstance(planned, str):
            report.refused.append((row.row, planned))
            continue
        key = normalised(row.finding)
        if key in plans:
            report.repeated.append((row.row, plans[key].row.row))
        plans[key] = planned
    with transaction.atomic():
        findings = Finding.objects.filter(audit__partnership_id=partnership_id)
        if not dry_run:
            findings = findings.select_for_update(of=("self",))
        by_text: dict[str, list[tuple[int, str]]] = {}
        for pk, text, polarity in findings.order_by("pk").values_list("pk", "text", "polarity"):
            by_text.setdefault(normalised(text), []).append((pk, polarity))
        targets: dict[int, _Target] = {}
        unplaced: list[CodeRow] = []
        for key, plan in sorted(plans.items(), key=lambda item: item[1].row.row):
            matched = by_text.get(key) or _parts_of(key, by_text)
            if not matched:
                unplaced.append(plan.row)
                continue
            report.matched += 1
            if len(matched) > 1:
                report.shared.append((plan.row.row, len(matched)))
            for pk, polarity in matched:
                target = targets.setdefault(pk, _Target(polarity=polarity))
                target.add(plan)
        _name_the_rest(partnership_id, unplaced, report)
        report.findings_matched = len(targets)
        current: dict[int, set[int]] = {}
        links = Finding.themes.through.objects.filter(finding_id__in=list(targets))
        for finding_id, theme_id in links.values_list("finding_id", "theme_id"):
            current.setdefault(finding_id, set()).add(theme_id)
        changes: list[tuple[int, str, frozenset[int]]] = []
        for pk, target in targets.items():
            if len(target.rows) > 1:
                report.combined.append(tuple(target.rows))
            new_polarity = target.new_polarity or target.polarity
            if new_polarity == target.polarity and current.get(pk, set()) == target.themes:
                report.unchanged += 1
            else:
                report.changed += 1
                changes.append((pk, new_polarity, frozenset(target.themes)))
        if not dry_run and changes:
            _write(changes)
        if not dry_run:
            audit_record(
                action=AuditEvent.Action.CHANGED,
                actor=actor,
                ip=ip,
                object_type="findings.finding",
                object_label="theme codes imported from a file",
                summary={"theme_codes": report.counts()},
            )
    for listed in (report.unmatched, report.titles, report.resources, report.combined):
        listed.sort()
    return report


@dataclass
class _Target:
    """What one matched finding gets: the themes of every row that matched it together."""

    polarity: str  # its polarity now
    new_polarity: str | None = None
    themes: set[int] = field(default_factory=set)
    rows: list[int] = field(default_factory=list)

    def add(self, plan: _Plan) -> None:
        if not self.rows:
            self.new_polarity = plan.polarity
        self.rows.append(plan.row.row)
        self.themes |= plan.themes


def _parts_of(key: str, by_text: dict[str, list[tuple[int, str]]]) -> list[tuple[int, str]]:
    """The findings the text is a whole sentence (or run of sentences) of."""
    if len(key) < 12:  # too short to be told apart from a word that happens to be a sentence
        return []
    found: list[tuple[int, str]] = []
    for text, matched in by_text.items():
        if len(text) > len(key) and key in text and _is_sentences_of(key, text):
            found += matched
    return found


def _is_sentences_of(key: str, text: str) -> bool:
    start = text.find(key)
    while start >= 0:
        end = start + len(key)
        begins = start == 0 or text[max(0, start - 2) : start] in (". ", "? ", "! ", "; ")
        ends = end == len(text) or text[end : end + 1] in (".", "?", "!", ";")
        if begins and ends:
            return True
        start = text.find(key, start + 1)
    return False


_FOUND = re.compile(r"^what we found\s*[:?]?\s*")
_NEEDS = re.compile(r"\s*what needs to happen$")


def _title_key(text: str) -> str:
    """A heading as the importer keeps a theme for learning's title: without "What we found:"
    before it and "What needs to happen?" after it."""
    return _NEEDS.sub("", _FOUND.sub("", normalised(text))).rstrip("?.:; ")


def _name_the_rest(partnership_id: int, rows: list[CodeRow], report: CodesReport) -> None:
    """Sort rows that matched no finding into headings (a theme for learning's title, or any
    "What we found: ..." line, which the importer reads as a heading), resources and the truly
    unmatched."""
    if not rows:
        return
    titles = {
        _title_key(title)
        for title in LearningTheme.objects.filter(audit__partnership_id=partnership_id)
        .exclude(title="")
        .values_list("title", flat=True)
    }
    resources = _resource_names(partnership_id)
    for row in rows:
        if _title_key(row.finding) in titles or _FOUND.match(normalised(row.finding)):
            report.titles.append((row.row, _shown(row.finding)))
            continue
        key = normalised(row.finding)
        named = next((name for name in resources if _names_resource(key, name)), None)
        if named is not None:
            report.resources.append((row.row, resources[named]))
        else:
            report.unmatched.append((row.row, _shown(row.finding)))


def _names_resource(key: str, name: str) -> bool:
    """A call-out naming a resource near its start ("Home Conditions Tool - use it at every
    visit ...", "NEW Exploitation Screening Training is ..."), or whose first sentence starts the
    name ("Safer Sleep for Babies. There is a ..." for "Safer Sleep for Babies short video")."""
    if len(name) < 6:
        return False
    first = re.split(r"[.:;!?]| - ", key, maxsplit=1)[0].strip()
    return name in key[: len(name) + 12] or (len(first) >= 12 and name.startswith(first))


def _resource_names(partnership_id: int) -> dict[str, str]:
    """The resources the partnership's imported briefings link to (normalised -> as written)."""
    names: dict[str, str] = {}
    records = ImportedDocument.objects.filter(
        partnership_id=partnership_id, audit__isnull=False
    ).values_list("record", "reviewed_record")
    for record, reviewed in records:
        for name in (reviewed or record or {}).get("resources") or []:
            if isinstance(name, str) and name.strip():
                names.setdefault(normalised(name), name.strip())
    return names


def _write(changes: list[tuple[int, str, frozenset[int]]]) -> None:
    through = Finding.themes.through
    pks = [pk for pk, _, _ in changes]
    for start in range(0, len(pks), 500):
        through.objects.filter(finding_id__in=pks[start : start + 500]).delete()
    by_polarity: dict[str, list[int]] = {}
    for pk, polarity, _ in changes:
        by_polarity.setdefault(polarity, []).append(pk)
    for polarity, group in by_polarity.items():
        for start in range(0, len(group), 500):
            Finding.objects.filter(pk__in=group[start : start + 500]).update(
                polarity=polarity, version=F("version") + 1
            )
    through.objects.bulk_create(
        [through(finding_id=pk, theme_id=theme) for pk, _, themes in changes for theme in themes],
        batch_size=1000,
    )


def _shown(text: str) -> str:
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= SHOWN else text[: SHOWN - 1].rstrip() + "…"
