"""How long rendering a briefing takes: HTML, Word and PDF.

    python bench/render_briefing.py [--runs 15] [--children 10] [--findings 40]

Builds one made-up briefing record (``maqa.testing.briefings.sample_record``: a 10-child audit
with 40 findings spread over worries, good practice and three themes for learning, a partnership
name, a logo, links) and times each renderer: the first call on its own (it pays for imports,
template compilation and font loading) and then the median and p90 of ``--runs`` further calls.
Only rendering is timed: building the record from an audit's findings is the findings code's
work and is not measured here.

Targets (issue 4): HTML < 200 ms, Word < 500 ms, PDF < 3 s, for the median warm render.
Prints the figures and exits with status 0; nothing fails on timing.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

TARGETS_MS = {"HTML": 200.0, "Word": 500.0, "PDF": 3000.0}


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _logo(path: Path) -> None:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 160), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 150, 150), fill=(29, 112, 184))
    draw.rectangle((180, 60, 460, 100), fill=(15, 122, 82))
    image.save(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="warm runs per format (default 15)")
    parser.add_argument("--children", type=int, default=10)
    parser.add_argument("--findings", type=int, default=40)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from maqa.testing.briefings import sample_record

    record = sample_record(children=args.children, findings=args.findings)
    with tempfile.TemporaryDirectory() as tmp:
        logo_path = Path(tmp) / "logo.png"
        _logo(logo_path)
        logo = logo_path.read_bytes()

        # Imported lazily, inside the timing of the first run, as a server process would.
        def html() -> object:
            from maqa.briefings.render_html import render_html

            return render_html(record, logo=logo)

        def word() -> object:
            from maqa.briefings.render_docx import render_docx

            return render_docx(record, logo_path=logo_path)

        def pdf() -> object:
            from maqa.briefings.render_pdf import render_pdf

            return render_pdf(record, logo_path=logo_path)

        print(
            f"Briefing rendering: {args.children} children, {args.findings} findings, "
            f"{args.runs} warm runs each"
        )
        print(
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}, "
            f"{os.cpu_count()} CPUs. Rendering only: the record is built beforehand."
        )
        print()
        print(f"{'format':<6} {'first ms':>9} {'median ms':>10} {'p90 ms':>8} {'target':>9}  ")
        for name, fn in (("HTML", html), ("Word", word), ("PDF", pdf)):
            first = _timed(fn)
            warm = sorted(_timed(fn) for _ in range(args.runs))
            median = statistics.median(warm)
            p90 = warm[min(len(warm) - 1, round(0.9 * (len(warm) - 1)))]
            target = TARGETS_MS[name]
            verdict = "ok" if median < target else "OVER"
            print(
                f"{name:<6} {first:>9.1f} {median:>10.1f} {p90:>8.1f} {'< ' + format(target, '.0f'):>9}  "
                f"{verdict}"
            )
        size_pdf = len(pdf())  # type: ignore[arg-type]
        size_docx = len(word())  # type: ignore[arg-type]
        print()
        print(f"sizes: PDF {size_pdf / 1024:.1f} KB, Word {size_docx / 1024:.1f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
