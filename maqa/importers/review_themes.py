"""Themes for each point of a briefing being reviewed before import.

The review page lists every point with the themes it will be saved with, which start as the
suggester's own picks (maqa.findings.suggestions, learnt from the partnership's coding), and the
other themes suggested for it, each with an Accept button that adds it. What the person accepted
travels in the review form as a hidden field (point text -> theme ids); on saving, the import
gives each point those themes (``accepted_themes`` in the record, read by
maqa.importers.services.importing.briefing_import), instead of coding it again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from maqa.briefings.types import BriefingRecord
from maqa.findings.models import Theme
from maqa.findings.suggestions import ThemeSuggestion, suggestions_for
from maqa.organisations.models import Partnership

MAX_THEMES = 3


@dataclass(frozen=True)
class ReviewPoint:
    index: int
    text: str
    polarity: str
    where: str  # "What we are worried about", "Theme title: what we found", ...
    chosen: tuple[ThemeSuggestion | Theme, ...]
    offered: tuple[ThemeSuggestion, ...]  # suggested and not chosen

    @property
    def room(self) -> bool:
        return len(self.chosen) < MAX_THEMES


def key(text: str) -> str:
    return " ".join(text.split())


def points_of(record: BriefingRecord) -> list[tuple[str, str, str]]:
    """(text, polarity, where) of every point of a (corrected) record, in the order the import
    saves them."""
    out = [(t, "concern", "What we are worried about") for t in record.get("worries") or []]
    out += [
        (t, "strength", "What good practice did we see") for t in record.get("good_practice") or []
    ]
    for n, item in enumerate(record.get("learning") or [], start=1):
        title = item.get("title") or f"Theme for learning {n}"
        out += [(t, "concern", f"{title}: what we found") for t in item.get("found") or []]
        out += [(t, "action", f"{title}: what needs to happen") for t in item.get("actions") or []]
    return [(key(t), p, w) for t, p, w in out if isinstance(t, str) and t.strip()]


def parse_accepted(raw: str) -> dict[str, list[int]]:
    """The hidden field's JSON, or nothing when it is not what the page wrote."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        str(k): [int(v) for v in vs if isinstance(v, int)][:MAX_THEMES]
        for k, vs in data.items()
        if isinstance(vs, list)
    }


def review_points(
    partnership: Partnership, record: BriefingRecord, accepted: dict[str, list[int]]
) -> list[ReviewPoint]:
    """Every point with the themes it will be saved with and the others suggested for it."""
    points = points_of(record)
    suggestions = suggestions_for(
        partnership=partnership,
        texts=[t for t, _, _ in points],
        polarities=[p for _, p, _ in points],
    )
    wanted = {pk for pks in accepted.values() for pk in pks}
    themes = {
        t.pk: t
        for t in Theme.objects.filter(
            partnership=partnership, pk__in=wanted, retired=False, parent__isnull=True
        )
    }
    out = []
    for index, ((text, polarity, where), offered) in enumerate(
        zip(points, suggestions, strict=True)
    ):
        chosen: list[ThemeSuggestion | Theme] = []
        if text in accepted:
            chosen += [themes[pk] for pk in accepted[text] if pk in themes]
        else:
            chosen += [s for s in offered.themes if s.recommended][:MAX_THEMES]
        chosen_pks = {c.pk if isinstance(c, Theme) else c.theme_pk for c in chosen}
        out.append(
            ReviewPoint(
                index=index,
                text=text,
                polarity=polarity,
                where=where,
                chosen=tuple(chosen),
                offered=tuple(s for s in offered.themes if s.theme_pk not in chosen_pks),
            )
        )
    return out


def accepted_map(points: Sequence[ReviewPoint]) -> dict[str, list[int]]:
    """Every point's themes as the hidden field and the import take them."""
    return {
        p.text: [c.pk if isinstance(c, Theme) else c.theme_pk for c in p.chosen] for p in points
    }


def with_accepted(
    partnership: Partnership,
    accepted: Any,
    texts: Sequence[str],
    suggested: list[list[Theme]] | None,
) -> list[list[Theme]] | None:
    """The import's themes for each point, with those accepted on the review page in place of
    the import's own suggestion (for the points the page named)."""
    if not isinstance(accepted, dict) or not accepted:
        return suggested
    chosen = parse_accepted(json.dumps(accepted))
    themes = {
        t.pk: t
        for t in Theme.objects.filter(
            partnership=partnership,
            pk__in={pk for pks in chosen.values() for pk in pks},
            retired=False,
        )
    }
    out = []
    for n, text in enumerate(texts):
        if key(text) in chosen:
            out.append([themes[pk] for pk in chosen[key(text)] if pk in themes][:MAX_THEMES])
        else:
            out.append(suggested[n] if suggested is not None else [])
    return out
