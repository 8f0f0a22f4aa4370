from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from maqa.suggestions import embeddings
from maqa.suggestions.csvfiles import OUTPUT_COLUMNS, RANKED_IN_OUTPUT
from maqa.suggestions.management.commands.suggest_themes import Command


def run(*args: str) -> str:
    """Run the command (found without INSTALLED_APPS); return what it wrote on stderr."""
    err = io.StringIO()
    call_command(Command(), *args, stderr=err, stdout=io.StringIO())
    return err.getvalue()


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames or ()) == OUTPUT_COLUMNS
        return list(reader)


def test_taxonomy_alone_writes_the_scorer_columns(tmp_path, findings_csv, taxonomy):
    out = tmp_path / "pred.csv"
    err = run("--input", str(findings_csv), "--output", str(out), "--method", "tfidf")
    rows = read(out)
    assert [r["id"] for r in rows] == ["f1", "f2", "f3"]
    slugs = set(taxonomy.slugs)
    for row in rows:
        applied = row["themes"].split("; ")
        ranked = row["ranked"].split("; ")
        assert applied and set(applied) <= slugs
        assert len(ranked) == RANKED_IN_OUTPUT and set(ranked) <= slugs
        assert ranked[: len(applied)] == applied
    assert rows[0]["themes"].startswith("risk-tools")
    assert "method tfidf" in err
    assert "the taxonomy alone" in err
    assert "3 findings written" in err


def test_with_examples(tmp_path, findings_csv, examples_csv):
    out = tmp_path / "pred.csv"
    err = run(
        "--input", str(findings_csv), "--output", str(out),
        "--examples", str(examples_csv), "--method", "tfidf",
    )  # fmt: skip
    rows = read(out)
    assert len(rows) == 3
    assert rows[2]["themes"].split("; ")[0] == "fathers-male-carers"
    assert "24 coded examples" in err


def test_method_auto_reports_what_it_used(tmp_path, findings_csv):
    out = tmp_path / "pred.csv"
    err = run("--input", str(findings_csv), "--output", str(out))
    expected = "embeddings" if embeddings.unavailable_reason() is None else "tfidf"
    assert f"method {expected}" in err


def test_embeddings_requested_without_the_extra(monkeypatch, tmp_path, findings_csv):
    monkeypatch.setattr(
        embeddings,
        "unavailable_reason",
        lambda: "onnxruntime is not installed; install the ML extra",
    )
    with pytest.raises(CommandError, match="embeddings method cannot run: onnxruntime"):
        run(
            "--input",
            str(findings_csv),
            "--output",
            str(tmp_path / "p.csv"),
            "--method",
            "embeddings",
        )
    err = run("--input", str(findings_csv), "--output", str(tmp_path / "p.csv"))
    assert "method tfidf" in err
    assert "embeddings unavailable: onnxruntime is not installed" in err


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,text\n1,x\n", "missing column(s) finding (columns found: id, text"),
        ("finding\nx\n", "missing column(s) id "),
        ("", "the file is empty"),
        ("id,finding\n", "no findings"),
        ("id,finding\n1,x\n1,y\n", "line 3: id '1' repeats line 2"),
        ("id,finding\n1,\n", "line 2: empty finding"),
    ],
)
def test_bad_findings_files(tmp_path, content, message):
    path = write(tmp_path / "in.csv", content)
    with pytest.raises(CommandError) as caught:
        run("--input", str(path), "--output", str(tmp_path / "out.csv"), "--method", "tfidf")
    assert message in str(caught.value)
    assert str(path) in str(caught.value)
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,finding\n1,x\n", "missing column(s) themes"),
        ("finding,themes\nx,not-a-theme\n", "line 2: unknown theme 'not-a-theme'"),
        ("finding,themes\nx,\n", "line 2: no themes"),
        ("finding,themes\nx,child-voice.no-such-sub\n", "unknown theme 'child-voice.no-such-sub'"),
    ],
)
def test_bad_examples_files(tmp_path, findings_csv, content, message):
    path = write(tmp_path / "ex.csv", content)
    with pytest.raises(CommandError, match="examples file") as caught:
        run(
            "--input",
            str(findings_csv),
            "--output",
            str(tmp_path / "o.csv"),
            "--examples",
            str(path),
        )
    assert message in str(caught.value)


def test_missing_and_misplaced_files(tmp_path, findings_csv):
    with pytest.raises(CommandError, match="no such file"):
        run("--input", str(tmp_path / "none.csv"), "--output", str(tmp_path / "o.csv"))
    with pytest.raises(CommandError, match="does not exist"):
        run("--input", str(findings_csv), "--output", str(tmp_path / "no" / "o.csv"))
    with pytest.raises(CommandError, match="is a folder"):
        run("--input", str(findings_csv), "--output", str(tmp_path))
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,finding\n1,caf\xe9\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run("--input", str(latin), "--output", str(tmp_path / "o.csv"))


def test_bom_and_header_case_are_accepted(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffID,Finding,Polarity\n1,Voice of the child missing,concern\n".encode())
    run("--input", str(path), "--output", str(tmp_path / "o.csv"), "--method", "tfidf")
    assert read(tmp_path / "o.csv")[0]["id"] == "1"


def test_errors_are_one_line_without_a_traceback(tmp_path, capsys):
    path = write(tmp_path / "in.csv", "id,text\n1,x\n")
    command = Command()
    argv = ["maqa", "suggest-themes", "--input", str(path), "--output", str(tmp_path / "o.csv")]
    with pytest.raises(SystemExit) as caught:
        command.run_from_argv(argv)
    assert caught.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("CommandError: findings file")
    assert "missing column(s) finding" in err
    assert "Traceback" not in err


def test_the_scorer_reads_the_output(tmp_path, shared_dir):
    """The command's output, fitted on the seeds and run on the seeds' findings, is read by
    ../shared/eval/score_themes.py (an in-sample run: this checks the format, not quality)."""
    labels = shared_dir / "themes" / "seed-labels.csv"
    out = tmp_path / "pred.csv"
    run(
        "--input", str(labels), "--output", str(out), "--examples", str(labels), "--method", "tfidf"
    )
    done = subprocess.run(
        [sys.executable, str(shared_dir / "eval" / "score_themes.py"), str(labels), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "findings 166" in done.stdout
    assert "have no prediction" not in done.stdout


def test_listed_by_maqa_help_once_installed(settings):
    assert "maqa.suggestions" in settings.INSTALLED_APPS
    from maqa.core.help import command_summaries

    names = [name for group, name, _summary in command_summaries() if group == "maqa"]
    assert "suggest-themes" in names
