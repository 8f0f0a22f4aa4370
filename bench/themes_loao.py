"""Leave-one-audit-out evaluation of theme suggestions on the seed briefings.

    python bench/themes_loao.py [--shared ../shared] [--methods tfidf,embeddings] [--out DIR]

For each of the five seed briefings in ../shared/themes/seed-labels.csv: fit on the other four
briefings' coded findings (plus the taxonomy's names and definitions, *not* its keywords, which
were written from the seeds), and predict the held-out briefing's findings one at a time. The
five folds' predictions are concatenated into PRED-<method>.csv and scored against the whole
file by ../shared/eval/score_themes.py; each fold is scored on its own as well. Thresholds are
chosen by cross-validation inside the four training briefings, never on the held-out one.

Prints, per method available here (embeddings needs the maqa[ml] extra): per-fold and overall
micro-F1, macro-F1, top-1 and recall@3 (the scorer's own output), the time to suggest one
finding (mean, p95), the fit time, and the model load time. See docs/theme-suggestions.md.
"""

from __future__ import annotations

import argparse
import csv
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from maqa.suggestions import embeddings  # noqa: E402
from maqa.suggestions.csvfiles import read_examples, write_predictions  # noqa: E402
from maqa.suggestions.suggest import Params, Suggester  # noqa: E402
from maqa.suggestions.taxonomy import Taxonomy, load_taxonomy  # noqa: E402

SCORE_LINE = re.compile(
    r"findings (?P<findings>\d+)\s+micro-F1 (?P<micro>[\d.]+)\s+top-1 (?P<top1>[\d.]+)\s+"
    r"recall@3 (?P<recall3>[\d.]+)\s+macro-F1 (?P<macro>[\d.]+)"
)


@dataclass
class FoldResult:
    name: str
    findings: int
    thresholds: str
    fit_seconds: float
    scores: dict[str, float] = field(default_factory=dict)


@dataclass
class LoaoResult:
    method: str
    predictions: list[tuple[str, list[str], list[str]]]
    folds: list[FoldResult]
    suggest_ms: list[float]
    load_seconds: float
    scores: dict[str, float] = field(default_factory=dict)
    scorer_output: str = ""


def seed_paths(shared: Path) -> tuple[Path, Path, Path]:
    return (
        shared / "themes" / "seed-labels.csv",
        shared / "themes" / "taxonomy.yaml",
        shared / "eval" / "score_themes.py",
    )


def run_scorer(scorer: Path, expected: Path, predicted: Path) -> tuple[dict[str, float], str]:
    """Run ../shared/eval/score_themes.py EXPECTED PREDICTED; parse its summary line."""
    done = subprocess.run(  # noqa: S603 (our own interpreter and the project's scorer)
        [sys.executable, str(scorer), str(expected), str(predicted)],
        capture_output=True,
        text=True,
        check=False,
    )
    match = SCORE_LINE.search(done.stdout)
    if not match:
        raise RuntimeError(f"the scorer printed no scores:\n{done.stdout}\n{done.stderr}")
    return {k: float(v) for k, v in match.groupdict().items()}, done.stdout.strip()


def run_loao(
    shared: Path,
    method: str,
    *,
    params: Params | None = None,
    embedder: Any = None,
    taxonomy: Taxonomy | None = None,
    out_dir: Path | None = None,
) -> LoaoResult:
    """The whole evaluation for one method; writes PRED-<method>.csv and per-fold files to out_dir."""
    labels_csv, taxonomy_yaml, scorer = seed_paths(shared)
    taxonomy = taxonomy or load_taxonomy(taxonomy_yaml)
    with labels_csv.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    examples = read_examples(labels_csv, taxonomy)
    groups = [e.group or "" for e in examples]
    files = sorted(set(groups))
    out = out_dir or Path(tempfile.mkdtemp(prefix="themes-loao-"))
    out.mkdir(parents=True, exist_ok=True)
    predictions: dict[str, tuple[str, list[str], list[str]]] = {}
    folds: list[FoldResult] = []
    suggest_ms: list[float] = []
    for held_out in files:
        train = [i for i, g in enumerate(groups) if g != held_out]
        test = [i for i, g in enumerate(groups) if g == held_out]
        suggester = Suggester(method, keywords=False, params=params or Params(), embedder=embedder)
        suggester.fit(
            [(examples[i].text, examples[i].polarity, examples[i].themes) for i in train],
            taxonomy,
            groups=[groups[i] for i in train],
        )
        for i in test:
            started = time.perf_counter()
            suggestion = suggester.suggest(examples[i].text, examples[i].polarity)
            suggest_ms.append((time.perf_counter() - started) * 1000)
            predictions[rows[i]["id"]] = (rows[i]["id"], suggestion.themes, suggestion.ranked_slugs)
        fold = FoldResult(held_out, len(test), suggester.thresholds.source, suggester.fit_seconds)
        expected = out / f"expected-{held_out}.csv"
        with expected.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows[i] for i in test)
        fold_pred = out / f"PRED-{method}-{held_out}.csv"
        write_predictions(fold_pred, [predictions[rows[i]["id"]] for i in test])
        fold.scores, _ = run_scorer(scorer, expected, fold_pred)
        folds.append(fold)
    pred = out / f"PRED-{method}.csv"
    write_predictions(pred, [predictions[r["id"]] for r in rows])
    scores, output = run_scorer(scorer, labels_csv, pred)
    load = getattr(embedder, "load_seconds", 0.0) if method == "embeddings" else 0.0
    return LoaoResult(method, list(predictions.values()), folds, suggest_ms, load, scores, output)


def _row(name: str, s: dict[str, float], extra: str = "") -> str:
    return (
        f"  {name:<28} {int(s['findings']):>4}  {s['micro']:.3f}     {s['macro']:.3f}     "
        f"{s['top1']:.3f}  {s['recall3']:.3f}  {extra}"
    )


def report(result: LoaoResult, out: Path) -> None:
    print(f"\n== method {result.method} ==")
    print(f"  {'held-out briefing':<28} {'n':>4}  micro-F1  macro-F1  top-1  rec@3  thresholds")
    for fold in result.folds:
        print(_row(fold.name, fold.scores, fold.thresholds))
    print(_row("all five folds together", result.scores))
    print("\nscore_themes.py on the whole file:")
    print("  " + result.scorer_output.replace("\n", "\n  "))
    ms = sorted(result.suggest_ms)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    fits = [f.fit_seconds for f in result.folds]
    print(
        f"\ntime per finding (suggest one at a time, {len(ms)} findings): mean "
        f"{statistics.mean(ms):.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms"
    )
    print(f"fit (incl. threshold cross-validation): mean {statistics.mean(fits):.2f} s per fold")
    if result.method == "embeddings":
        print(
            f"model load (verify sha256, tokenizer, onnxruntime session): {result.load_seconds:.2f} s"
        )
    print(f"predictions: {out / f'PRED-{result.method}.csv'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=BASE_DIR.parent / "shared")
    parser.add_argument(
        "--methods", default="tfidf,embeddings", help="comma-separated: tfidf, embeddings"
    )
    parser.add_argument("--out", type=Path, help="folder for PRED-*.csv (default: a temp folder)")
    parser.add_argument(
        "--no-subtheme-definitions",
        action="store_true",
        help="leave the sub-themes' definitions out too (only theme names and definitions)",
    )
    parser.add_argument("--min-f1", type=float, default=0.0, help="exit 1 below this macro-F1")
    parser.add_argument("--min-recall3", type=float, default=0.0, help="exit 1 below this recall@3")
    args = parser.parse_args(argv)
    if not (args.shared / "themes" / "seed-labels.csv").is_file():
        parser.error(f"no themes/seed-labels.csv under {args.shared} (give --shared)")
    out = args.out or Path(tempfile.mkdtemp(prefix="themes-loao-"))
    print(
        f"leave-one-audit-out on {args.shared / 'themes' / 'seed-labels.csv'}; "
        f"taxonomy names and definitions"
        f"{' (not the sub-themes)' if args.no_subtheme_definitions else ''}, no keywords; "
        f"Python {platform.python_version()}, "
        f"{platform.machine()}"
    )
    failed = False
    for method in [m.strip() for m in args.methods.split(",") if m.strip()]:
        embedder = None
        load_seconds = 0.0
        if method == "embeddings":
            started = time.perf_counter()
            reason = embeddings.unavailable_reason()  # finds and verifies (sha256) the files
            if reason:
                print(f"\n== method embeddings: skipped ({reason}) ==")
                continue
            embedder = embeddings.MiniLMEmbedder()  # imports onnxruntime, opens the session
            load_seconds = time.perf_counter() - started
        params = Params(subtheme_definitions=not args.no_subtheme_definitions)
        result = run_loao(args.shared, method, params=params, embedder=embedder, out_dir=out)
        result.load_seconds = load_seconds or result.load_seconds
        report(result, out)
        failed |= result.scores["macro"] < args.min_f1
        failed |= result.scores["recall3"] < args.min_recall3
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
