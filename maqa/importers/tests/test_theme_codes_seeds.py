"""The five seed briefings imported with maqa.importers, then coded from
../shared/themes/seed-labels.csv with theme_codes_apply: every row finds its point."""

from __future__ import annotations

from pathlib import Path

import pytest

from maqa.findings.models import Finding
from maqa.importers.services.importing import Outcome, briefing_import
from maqa.importers.theme_codes import codes_read, theme_codes_apply
from maqa.testing.personas import Personas

SEED_LABEL_ROWS = 166  # rows of ../shared/themes/seed-labels.csv


def import_seeds(personas: Personas, shared: Path) -> None:
    seeds = sorted((shared / "seeds").glob("*.txt"))
    assert len(seeds) == 5
    for seed in seeds:
        outcome = briefing_import(
            actor=personas.admin, ip=None, partnership=personas.partnership,
            filename=seed.name, data=seed.read_bytes(), apply=True,
        )  # fmt: skip
        assert outcome.status == Outcome.CREATED, outcome.message


@pytest.fixture
def seeds_imported(personas: Personas, shared_dir: Path, settings) -> Path:
    settings.IMPORT_SUGGEST_THEMES = False  # points come in without themes; the file codes them
    import_seeds(personas, shared_dir)
    return shared_dir / "themes" / "seed-labels.csv"


def test_every_seed_label_row_is_accounted_for(personas, seeds_imported):
    """155 rows code a point. Two of them (rows 23 and 24) are the two sentences of one point
    the importer joined (as the expected record does), so they code it together. The other 11
    are not points in the imported audits: 8 are headings of themes for learning ("What we
    found: ..."), which the importer keeps as titles, and 3 are call-outs to resources
    ("... click here"), which it reads as resources."""
    rows = codes_read(seeds_imported.read_bytes())
    report = theme_codes_apply(actor=personas.admin, ip=None, rows=rows)
    assert report.rows == SEED_LABEL_ROWS
    assert report.unmatched == [] and report.refused == [] and report.subthemes_left_out == []
    assert (report.matched, len(report.titles), len(report.resources)) == (155, 8, 3)
    assert report.matched + len(report.titles) + len(report.resources) == report.rows
    assert report.combined == [(23, 24)]
    assert report.findings_matched == 154 == report.changed
    assert [name for _, name in report.resources] == [
        "Clutter Rating Tool", "Professional Curiosity Training",
        "Understanding Thresholds bitesize session",
    ]  # fmt: skip
    assert all(
        text.lower().startswith(("what we found", "incidents of")) for _, text in report.titles
    )
    coded = Finding.objects.filter(audit__partnership=personas.partnership)
    assert coded.filter(themes__isnull=False).distinct().count() == 154


def test_the_codes_are_those_of_the_file(personas, seeds_imported):
    rows = codes_read(seeds_imported.read_bytes())
    report = theme_codes_apply(actor=personas.admin, ip=None, rows=rows)
    not_points = {row for row, _ in report.titles + report.resources}
    fathers = Finding.objects.filter(
        audit__partnership=personas.partnership, themes__slug="fathers-male-carers"
    ).distinct()
    expected = [r for r in rows if "fathers-male-carers" in r.themes and r.row not in not_points]
    assert fathers.count() == len(expected) == 17
    assert sorted(f.polarity for f in fathers) == sorted(r.polarity for r in expected)
    concerns = fathers.filter(polarity="concern").values("audit").distinct().count()
    assert concerns == 4  # the recurrence figure for fathers under these codes
    again = theme_codes_apply(actor=personas.admin, ip=None, rows=rows, dry_run=True)
    assert again.changed == 0 and again.unchanged == again.findings_matched == 154
