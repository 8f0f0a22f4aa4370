"""Themes for imported points, from the theme suggester (maqa.themes) where it is there, learnt
from how the partnership coded its own findings."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from django.conf import settings

from maqa.findings.models import Finding, Theme
from maqa.organisations.models import Partnership

logger = logging.getLogger(__name__)


class _SuggestionLike(Protocol):
    @property
    def themes(self) -> list[str]: ...


def suggest_themes(
    partnership: Partnership, texts: Sequence[str], polarities: Sequence[str]
) -> list[list[Theme]] | None:
    """Themes for each text from the theme suggester (maqa.suggestions.suggest), or None when it is
    not there, is switched off (settings.IMPORT_SUGGEST_THEMES) or fails: then points are saved
    without themes and listed as needing one."""
    if not texts or not getattr(settings, "IMPORT_SUGGEST_THEMES", True):
        return None
    try:
        from maqa.suggestions.suggest import Suggester
        from maqa.suggestions.taxonomy import load_taxonomy
    except Exception:  # not installed, or its dependencies are missing
        return None
    if not all(callable(getattr(Suggester, name, None)) for name in ("fit", "suggest_many")):
        return None
    try:
        taxonomy = load_taxonomy()
        examples: list[tuple[str, str | None, list[str]]] = []
        groups: list[str] = []
        coded = (
            Finding.objects.filter(audit__partnership=partnership, themes__isnull=False)
            .distinct()
            .prefetch_related("themes")
            .order_by("-pk")[:3000]
        )
        for finding in coded:
            slugs = []
            for theme in finding.themes.all():
                try:
                    slugs.append(taxonomy.resolve(theme.slug))
                except KeyError:
                    continue
            if slugs:
                examples.append((finding.text, finding.polarity, slugs))
                groups.append(str(finding.audit_id))
        suggester = Suggester("tfidf").fit(examples, taxonomy, groups=groups or None)
        results: Sequence[_SuggestionLike] = suggester.suggest_many(list(texts), list(polarities))
    except Exception:
        logger.exception("theme suggester failed; imported points are left without themes")
        return None
    known = {
        t.slug: t
        for t in Theme.objects.filter(partnership=partnership, retired=False, parent__isnull=True)
    }
    return [[known[s] for s in result.themes if s in known][:3] for result in results]
