from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from maqa.suggestions.csvfiles import CsvProblem, read_examples, read_findings, write_predictions
from maqa.suggestions.embeddings import EmbeddingsUnavailable
from maqa.suggestions.suggest import METHODS, Suggester
from maqa.suggestions.taxonomy import TaxonomyError, load_taxonomy


class Command(BaseCommand):
    help = (
        "Suggest themes from the taxonomy for audit findings in a CSV file.\n\n"
        "FINDINGS.csv has the columns id and finding (and optionally polarity). PRED.csv gets "
        "id, themes (the top-level themes it would apply, 'a; b') and ranked (candidates, best "
        "first), the format ../shared/eval/score_themes.py reads. --examples takes previously "
        "coded findings with the columns of ../shared/themes/seed-labels.csv (finding, themes; "
        "optionally polarity and file); without it, suggestions come from the taxonomy alone. "
        "The method used is printed on standard error."
    )
    requires_system_checks: list[str] = []  # reads and writes files only; no database

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--input", required=True, metavar="FINDINGS.csv", help="findings to code"
        )
        parser.add_argument("--output", required=True, metavar="PRED.csv", help="where to write")
        parser.add_argument(
            "--examples", metavar="LABELLED.csv", help="previously coded findings to learn from"
        )
        parser.add_argument(
            "--method",
            choices=METHODS,
            default="auto",
            help="auto (default): embeddings when the maqa[ml] extra is installed, else tfidf",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        if output.is_dir():
            raise CommandError(f"--output {output} is a folder; give a file name")
        if not output.parent.is_dir():
            raise CommandError(f"--output {output}: the folder {output.parent} does not exist")
        try:
            taxonomy = load_taxonomy()
            findings = read_findings(options["input"])
            examples = read_examples(options["examples"], taxonomy) if options["examples"] else []
        except (CsvProblem, TaxonomyError) as exc:
            raise CommandError(str(exc)) from exc
        try:
            suggester = Suggester(options["method"])
        except EmbeddingsUnavailable as exc:
            raise CommandError(str(exc)) from exc
        groups = [e.group for e in examples]
        started = time.perf_counter()
        suggester.fit(
            [(e.text, e.polarity, e.themes) for e in examples],
            taxonomy,
            groups=[g or "" for g in groups] if examples and all(groups) else None,
        )
        suggestions = suggester.suggest_many(
            [f.text for f in findings], [f.polarity for f in findings]
        )
        elapsed = time.perf_counter() - started
        try:
            written = write_predictions(
                output,
                [
                    (f.id, s.themes, s.ranked_slugs)
                    for f, s in zip(findings, suggestions, strict=True)
                ],
            )
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from exc
        self.stderr.write(f"suggest-themes: {suggester.describe()}")
        load = f"model load {suggester.load_seconds:.2f} s, " if suggester.load_seconds else ""
        self.stderr.write(
            f"suggest-themes: {written} findings written to {output} "
            f"({load}fit and suggest {elapsed:.2f} s; taxonomy version {taxonomy.version})"
        )
