"""The scores of ../shared/eval/score_themes.py, computed in-process.

Used to choose the multi-label thresholds by cross-validation inside the training data, and by
the tests. The benchmark reports the scorer's own figures; these match them (a test checks).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Scores:
    micro_f1: float
    macro_f1: float
    top1: float
    recall3: float
    per_theme_f1: dict[str, float]
    findings: int

    def line(self) -> str:
        return (
            f"findings {self.findings}  micro-F1 {self.micro_f1:.3f}  top-1 {self.top1:.3f}  "
            f"recall@3 {self.recall3:.3f}  macro-F1 {self.macro_f1:.3f}"
        )


def top_level(slugs: Sequence[str]) -> list[str]:
    return [s.strip().split(".")[0] for s in slugs if s.strip()]


def score(
    expected: Mapping[str, Sequence[str]],
    applied: Mapping[str, Sequence[str]],
    ranked: Mapping[str, Sequence[str]],
) -> Scores:
    """expected/applied/ranked: finding id -> slugs. As the scorer does, every theme expected or
    applied anywhere counts towards macro-F1, so a wrongly applied theme costs too."""
    gold = {i: set(top_level(v)) for i, v in expected.items()}
    app = {i: set(top_level(applied.get(i, ()))) for i in expected}
    labels = sorted({s for v in gold.values() for s in v} | {s for v in app.values() for s in v})
    tp = dict.fromkeys(labels, 0)
    fp = dict(tp)
    fn = dict(tp)
    top1 = rec3 = n_exp = 0
    for i, g in gold.items():
        s = app[i]
        rk = top_level(ranked.get(i, ())) or sorted(s)
        for k in labels:
            tp[k] += k in g and k in s
            fp[k] += k not in g and k in s
            fn[k] += k in g and k not in s
        top1 += bool(rk) and rk[0] in g
        rec3 += len(g & set(rk[:3]))
        n_exp += len(g)
    f1 = {
        k: (2 * tp[k] / (2 * tp[k] + fp[k] + fn[k]) if tp[k] + fp[k] + fn[k] else 1.0)
        for k in labels
    }
    t, f, n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    return Scores(
        micro_f1=2 * t / (2 * t + f + n) if t + f + n else 1.0,
        macro_f1=sum(f1.values()) / len(f1) if f1 else 0.0,
        top1=top1 / len(gold) if gold else 0.0,
        recall3=rec3 / n_exp if n_exp else 0.0,
        per_theme_f1=f1,
        findings=len(gold),
    )
