"""How well and how fast `parse_briefing` reads the seed briefings in ../shared/seeds.

    python bench/parse_seeds.py [--shared ../shared] [--repeat 20] [--keep DIR] [--round-trip]

Parses every seed, writes the records to a temporary folder (or --keep DIR), runs
../shared/eval/score_records.py on them against ../shared/seeds-expected and prints its per-seed
scores and mean, then the parsing time per seed (best and median of --repeat runs).
--round-trip also renders each expected record as HTML, Word and PDF with maqa.briefings and
scores what the parser reads back. It reads ../shared in place and writes nothing there.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from maqa.importers import parse_briefing  # noqa: E402


def score(shared: Path, expected_dir: Path, parsed_dir: Path, verbose: bool = True) -> str:
    # The scorer is ../shared's own script, run by the developer who points --shared at it.
    done = subprocess.run(  # noqa: S603
        [
            sys.executable,
            str(shared / "eval" / "score_records.py"),
            str(expected_dir),
            str(parsed_dir),
            *(["--verbose"] if verbose else []),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.rstrip()


def time_parsing(seeds: list[Path], repeat: int) -> list[tuple[str, float, float]]:
    rows = []
    for seed in seeds:
        data = seed.read_bytes()
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            parse_briefing(data, seed.name)
            runs.append(time.perf_counter() - start)
        rows.append((seed.stem, min(runs), statistics.median(runs)))
    return rows


def round_trip(shared: Path, work: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from maqa.briefings.render_docx import render_docx
    from maqa.briefings.render_html import render_html
    from maqa.briefings.render_pdf import render_pdf

    renderers: dict[str, Any] = {
        "html": lambda r: render_html(r).encode(),
        "docx": render_docx,
        "pdf": render_pdf,
    }
    expected_dir = work / "round-trip-expected"
    expected_dir.mkdir()
    records = {}
    for path in sorted((shared / "seeds-expected").glob("*.json")):
        record = json.loads(path.read_text())
        record["optional"] = []  # call-outs are not rendered
        records[path.stem] = record
        (expected_dir / path.name).write_text(json.dumps(record))
    for fmt, render in renderers.items():
        parsed_dir = work / f"round-trip-{fmt}"
        parsed_dir.mkdir()
        spent = 0.0
        for name, record in records.items():
            data = render(record)
            start = time.perf_counter()
            parsed = parse_briefing(data, f"{name}.{fmt}")
            spent += time.perf_counter() - start
            (parsed_dir / f"{name}.json").write_text(json.dumps(parsed, ensure_ascii=False))
        print(
            f"\nround trip through {fmt} (parsing {spent / len(records) * 1000:.0f} ms a document):"
        )
        print(score(shared, expected_dir, parsed_dir))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per seed")
    parser.add_argument("--keep", type=Path, help="write the parsed records here")
    parser.add_argument("--round-trip", action="store_true", help="also render and re-read")
    args = parser.parse_args()
    shared = args.shared.resolve()
    seeds = sorted((shared / "seeds").glob("*.txt"))
    if not seeds:
        print(f"no seeds in {shared / 'seeds'}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="maqa-parse-") as temporary:
        work = Path(temporary)
        parsed_dir = args.keep or work / "parsed"
        parsed_dir.mkdir(parents=True, exist_ok=True)
        for seed in seeds:
            record = parse_briefing(seed.read_bytes(), seed.name)
            (parsed_dir / f"{seed.stem}.json").write_text(
                json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8"
            )
        print(f"scores ({shared / 'eval' / 'score_records.py'}):")
        print(score(shared, shared / "seeds-expected", parsed_dir))
        print(f"\nparsing time per seed ({args.repeat} runs):")
        rows = time_parsing(seeds, args.repeat)
        for name, best, median in rows:
            print(f"  {name}: best {best * 1000:6.1f} ms, median {median * 1000:6.1f} ms")
        total = sum(median for _, _, median in rows)
        print(f"  all {len(rows)} seeds: {total * 1000:.1f} ms (sum of medians)")
        if args.round_trip:
            round_trip(shared, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
