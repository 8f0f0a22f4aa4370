"""`maqa import-briefing FILE... --by ADMIN_EMAIL [--apply] [--decide ...]`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from maqa.audits.models import Audit
from maqa.core.models import AuditEvent
from maqa.findings.models import Finding
from maqa.importers.management.commands.import_briefing import Command
from maqa.importers.models import ImportedDocument
from maqa.importers.tests.briefings import MONTH, NO_DATE, briefing, no_suggester

pytestmark = pytest.mark.usefixtures("no_suggester")
__all__ = ["no_suggester"]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(Command(), *args, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, int, int, int]:
    return (
        Audit.objects.count(),
        Finding.objects.count(),
        ImportedDocument.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    made = []
    for name, data in (
        ("one.txt", briefing()),
        ("two.txt", briefing(theme="Neglect", intro=MONTH)),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        made.append(path)
    return made


def test_its_help_is_one_line():
    assert "\n" not in Command.help.strip()


def test_without_apply_it_only_shows_what_it_would_create(personas, files):
    before = counts()
    output = run(*map(str, files), "--by", personas.admin.email)
    assert f"{files[0]}: would create: Domestic Abuse (2024-03-12): 6 children" in output
    assert f"{files[1]}: would create: Neglect (2024-03)" in output
    assert "Dry run: nothing was written" in output
    assert counts() == before


def test_apply_creates_the_audits_and_a_second_run_creates_nothing(personas, files):
    output = run(*map(str, files), "--by", personas.admin.email, "--apply")
    assert output.count(": created audit ") == 2
    assert "7 points need a theme" in output
    assert Audit.objects.filter(imported=True, state="published").count() == 2
    before = counts()
    again = run(*map(str, files), "--by", personas.admin.email, "--apply")
    assert again.count("already imported: this file was imported before") == 2
    assert counts() == before


def test_a_look_alike_needs_a_decision_then_can_be_imported_anyway(personas, tmp_path, files):
    run(str(files[0]), "--by", personas.admin.email, "--apply")
    look_alike = tmp_path / "copy.txt"
    look_alike.write_bytes(briefing(extra="\n• One more worry"))
    output = run(str(look_alike), "--by", personas.admin.email, "--apply")
    assert "needs a decision: this looks like an audit already held" in output
    assert Audit.objects.count() == 1
    output = run(
        str(look_alike), "--by", personas.admin.email, "--apply", "--decide", "import-anyway"
    )
    assert ": created audit " in output
    assert Audit.objects.count() == 2


def test_failures_are_reported_per_file_and_the_exit_is_non_zero(personas, tmp_path, files):
    image = tmp_path / "picture.txt"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    undated = tmp_path / "undated.txt"
    undated.write_bytes(briefing(theme="Neglect", intro=NO_DATE))
    out = io.StringIO()
    with pytest.raises(CommandError, match="2 of 4 files failed"):
        call_command(
            Command(), str(files[0]), str(image), str(tmp_path / "missing.txt"), str(undated),
            "--by", personas.admin.email, "--apply", stdout=out,
        )  # fmt: skip
    output = out.getvalue()
    assert f"{image}: failed: maqa cannot read this document: it is an image" in output
    assert "missing.txt: failed: no such file" in output
    assert f"{undated}: needs review: needs a date" in output
    assert f"{files[0]}: created audit" in output
    assert Audit.objects.count() == 1


def test_only_a_partnership_admin_may_import(personas, files):
    with pytest.raises(CommandError, match="not a partnership admin"):
        run(str(files[0]), "--by", personas.police.email)
    with pytest.raises(CommandError, match="no active person"):
        run(str(files[0]), "--by", "nobody@example.test")


def test_every_seed_imports_in_a_dry_run(personas, shared_dir):
    seeds = sorted((shared_dir / "seeds").iterdir())
    assert seeds
    before = counts()
    output = run(*map(str, seeds), "--by", personas.admin.email)
    lines = [line for line in output.splitlines() if not line.startswith("Dry run")]
    assert len(lines) == len(seeds)
    assert all(": would create: " in line for line in lines), output
    assert counts() == before
