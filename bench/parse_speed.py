"""How fast `parse_briefing` reads documents in one process, and what the child-process guard
(`maqa.importers.guard.parse_in_child`) adds to each.

    python bench/parse_speed.py [--seconds 5] [--guarded 30] [--seeds ../shared/seeds]

Text: the seed briefings (*.txt, *.md) read in place from --seeds when that folder is there,
else a synthetic briefing. PDF: a synthetic briefing rendered once with WeasyPrint. Each is
parsed over and over for --seconds, on one core (one process, one thread), and the rate printed
in documents a second against the targets (100 text, 5 PDF). Then --guarded documents of each
kind go through `parse_in_child`; the overhead is the median guarded time minus the median
in-process time. Nothing is written.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from maqa.importers import parse_briefing  # noqa: E402
from maqa.importers.guard import parse_in_child  # noqa: E402

TARGETS = {"text": 100.0, "pdf": 5.0}

SYNTHETIC = """Northfield Safeguarding Children Partnership

Multi-Agency Case File Audit: Neglect
Learning Briefing

In May 2025 the panel looked at eight children aged 2 to 14 on child protection plans.

What we are worried about
• Chronologies were not kept up to date
• Fathers and other carers were rarely seen
• Plans were closed before change was sustained

What good practice did we see
• Health visitors knew the families well
• Schools referred promptly and followed up

Themes for learning

Seeing the whole family
• Workers spoke to mothers only
What needs to happen
• Invite fathers and partners to every meeting
• Record who lives in the home at each visit
"""


def synthetic_html() -> str:
    blocks = []
    for paragraph in SYNTHETIC.split("\n\n"):
        lines = paragraph.splitlines()
        if all(line.startswith("•") for line in lines):
            items = "".join(f"<li>{line[1:].strip()}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        elif len(lines) == 1 and len(lines[0]) < 60:
            blocks.append(f"<h2>{lines[0]}</h2>")
        else:
            blocks.append("".join(f"<p>{line}</p>" for line in lines))
    return "<html><body>" + "".join(blocks) + "</body></html>"


def texts(seeds: Path) -> list[tuple[str, bytes]]:
    if seeds.is_dir():
        found = sorted(p for p in seeds.iterdir() if p.suffix in (".txt", ".md"))
        if found:
            return [(p.name, p.read_bytes()) for p in found]
    return [("synthetic.txt", SYNTHETIC.encode())]


def rate(documents: list[tuple[str, bytes]], seconds: float) -> tuple[float, float]:
    """(documents a second, median seconds a document) over at least `seconds`."""
    times: list[float] = []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds or not times:
        for name, data in documents:
            t0 = time.perf_counter()
            parse_briefing(data, name)
            times.append(time.perf_counter() - t0)
    return len(times) / sum(times), statistics.median(times)


def median_time(documents: list[tuple[str, bytes]], count: int, read: Callable[..., Any]) -> float:
    times = []
    for i in range(count):
        name, data = documents[i % len(documents)]
        t0 = time.perf_counter()
        read(data, name)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--guarded", type=int, default=30)
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    import weasyprint

    kinds = {
        "text": texts(args.seeds),
        "pdf": [("synthetic.pdf", bytes(weasyprint.HTML(string=synthetic_html()).write_pdf()))],
    }
    print(f"text documents: {len(kinds['text'])} ({kinds['text'][0][0]}, ...)")
    for kind, documents in kinds.items():
        for name, data in documents[:3]:
            parse_briefing(data, name)  # warm up
        per_second, median = rate(documents, args.seconds)
        target = TARGETS[kind]
        verdict = "meets" if per_second >= target else "MISSES"
        print(
            f"{kind:>4} in-process: {per_second:8.1f} documents/s (median {median * 1000:7.1f} ms)"
            f" — target {target:g}/s: {verdict}"
        )
        inside = median_time(documents, args.guarded, parse_briefing)
        guarded = median_time(documents, args.guarded, parse_in_child)
        print(
            f"{kind:>4} guarded:    median {guarded * 1000:7.1f} ms vs {inside * 1000:7.1f} ms "
            f"in-process: overhead {(guarded - inside) * 1000:6.1f} ms a document"
        )


if __name__ == "__main__":
    main()
