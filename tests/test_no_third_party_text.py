"""No tracked file copies the seed briefings or other partnerships' documents (../shared).

scripts/check-third-party-text does the work; these tests run it over the repository and check
that it finds a copy when there is one, without holding any of that text themselves.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "check-third-party-text"


@pytest.fixture(scope="module")
def checker() -> ModuleType:
    loader = SourceFileLoader("check_third_party_text", str(SCRIPT))
    spec = spec_from_loader(loader.name, loader)
    assert spec is not None
    module = module_from_spec(spec)
    sys.modules[loader.name] = module  # dataclasses look their module up
    loader.exec_module(module)
    return module


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_no_tracked_file_shares_a_passage_with_the_third_party_texts(shared_dir):
    done = run("--shared", str(shared_dir))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("0 copied passages")


def test_a_sentence_copied_from_a_seed_is_found_with_its_line(shared_dir, checker, tmp_path):
    seed = sorted((shared_dir / "seeds").glob("*.txt"))[0]
    line = next(
        line for line in seed.read_text(encoding="utf-8").splitlines() if len(line.split()) >= 12
    )
    copy = tmp_path / "copy.py"
    copy.write_text(f'# our own comment\nEXAMPLE = "{line.replace(chr(34), "")}"\n')
    shingles = checker.shingles_of(checker.third_party_sources(shared_dir), checker.DEFAULT_N)
    hits = checker.find_copies(tmp_path, shingles, [copy])
    assert [(hit.path, hit.line, hit.source) for hit in hits] == [
        ("copy.py", 2, f"seeds/{seed.name}")
    ]


def test_a_standard_heading_before_words_of_our_own_is_no_copy(shared_dir, checker, tmp_path):
    ours = tmp_path / "ours.md"
    ours.write_text(
        "What we are worried about?\n\n- Health visitors were not invited to core groups\n\n"
        "Themes for Learning\n\nWhat we found: Drift in plans\n\n"
        "What needs to happen?\n\n- Review the plan within a month of any change at home\n"
    )
    shingles = checker.shingles_of(checker.third_party_sources(shared_dir), checker.DEFAULT_N)
    assert checker.find_copies(tmp_path, shingles, [ours]) == []


def test_without_shared_it_says_so_and_passes_except_under_ci(tmp_path):
    missing = tmp_path / "no-shared"
    done = run("--shared", str(missing), env={"CI": "false"})
    assert done.returncode == 0
    assert "no third-party texts" in done.stdout
    assert run("--shared", str(missing), env={"CI": "true"}).returncode == 2
