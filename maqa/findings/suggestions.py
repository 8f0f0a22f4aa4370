"""Theme suggestions for one partnership, learnt from its own coded findings.

The suggester (:class:`maqa.suggestions.suggest.Suggester`) is trained on the findings this
partnership has already coded (text, polarity and themes; a subtheme counts for its parent, a
retired theme for its successor) plus the names and definitions of its taxonomy as it is in the
database. Keywords are left out: they were written from coded findings, so they would flatter the
suggestions (see docs/theme-suggestions.md).

Training has two parts: fitting the scorer (a fraction of a second for a few hundred findings)
and choosing the thresholds that decide which suggestions are recommended, by cross-validation
over the partnership's audits (one fit per audit: seconds once there are years of coding). A
request never waits for the second part: when the coding has changed, the request refits the
scorer with the thresholds chosen last time (or the defaults, the first time in a process) and a
background thread chooses new thresholds and swaps the result in when done (``calibrate_sync``
or ``wait_for_calibration`` make tests deterministic). The trained suggester is kept in this
process and reused until the partnership's coding or taxonomy changes. Each request checks that cheaply, with two small
queries: the count, highest id and sum of versions of its coded findings (a point's version goes
up whenever it is saved, and every save through maqa.findings.services does that), and a digest
of its themes. A change made outside the services without a new version (a direct database edit)
is picked up within :data:`MAX_AGE` seconds.

Reads only: nothing here writes, and suggesting is not a view of case data (it reads the
partnership's own findings, which are briefing text).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Sum

from maqa.findings.models import Finding, Theme
from maqa.organisations.models import Partnership
from maqa.suggestions import taxonomy as tx
from maqa.suggestions.suggest import Suggester, Thresholds, resolve_method

#: The most recent coded findings learnt from (more would make training slow, not better).
MAX_EXAMPLES = 2000
#: Seconds after which a trained suggester is rebuilt even if nothing seems to have changed.
MAX_AGE = 600.0
#: How many themes a person is offered for a point.
OFFERED = 3

METHOD_LINES = {
    "embeddings": "Suggestions by sentence embeddings (all-MiniLM-L6-v2)",
    "tfidf": "Suggestions by word matching (TF-IDF) — install maqa[ml] for better suggestions",
}


@dataclass(frozen=True)
class ThemeSuggestion:
    """A top-level theme offered for a point, best first."""

    theme_pk: int
    slug: str
    name: str
    score: float  # relative: standardised across the themes for this point
    recommended: bool  # the suggester would apply it (not only rank it)


@dataclass(frozen=True)
class PointSuggestions:
    themes: tuple[ThemeSuggestion, ...]
    method: str  # "tfidf" or "embeddings"

    @property
    def method_line(self) -> str:
        return METHOD_LINES[self.method]


@dataclass
class _Trained:
    key: tuple[object, ...]
    suggester: Suggester
    themes: dict[str, Theme]  # active top-level themes by slug
    built: float
    calibrated: bool = False  # thresholds chosen by cross-validation on these very examples


_cache: dict[int, _Trained] = {}
_lock = threading.Lock()
_calibrating: dict[int, threading.Thread] = {}
#: Choose thresholds in the request instead of a background thread (tests that need them).
calibrate_sync = False


def _coded_findings(partnership: Partnership) -> object:
    coded = Finding.themes.through.objects.filter(finding_id=OuterRef("pk"))
    return Finding.objects.filter(audit__partnership=partnership).filter(Exists(coded))


def _coding_key(partnership: Partnership) -> tuple[object, ...]:
    found = _coded_findings(partnership).aggregate(  # type: ignore[attr-defined]
        n=Count("pk"), last=Max("pk"), versions=Sum("version")
    )
    return (found["n"], found["last"], found["versions"])


def _top_of(theme: Theme, by_pk: dict[int, Theme], by_slug: dict[str, Theme]) -> Theme | None:
    """The active top-level theme a theme counts for: a subtheme its parent; a retired top-level
    theme its successor (followed to the end). None when the chain ends retired."""
    seen: set[int] = set()
    current: Theme | None = theme
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        top = by_pk.get(current.parent_id) if current.parent_id else current
        if top is None:
            return None
        if not top.retired:
            return top
        current = by_slug.get(top.successor) if top.successor else None
    return None


def _taxonomy(themes: list[Theme]) -> tx.Taxonomy:
    """The partnership's taxonomy from the database, in the suggester's shape (no keywords)."""
    tops = sorted((t for t in themes if t.parent_id is None), key=lambda t: t.slug)
    subs: dict[int, list[Theme]] = {}
    for t in themes:
        if t.parent_id is not None and not t.retired:
            subs.setdefault(t.parent_id, []).append(t)
    return tx.Taxonomy(
        version=1,
        themes=tuple(
            tx.Theme(
                slug=t.slug,
                name=t.name,
                definition=t.definition or t.name,
                subthemes=tuple(
                    tx.Subtheme(slug=s.slug, definition=s.definition or s.name)
                    for s in sorted(subs.get(t.pk, []), key=lambda s: s.slug)
                ),
                deprecated=t.retired,
            )
            for t in tops
        ),
        source="partnership",
    )


def _themes_digest(themes: list[Theme]) -> str:
    rows = sorted(
        (t.pk, t.slug, t.name, t.definition, t.retired, t.successor, t.parent_id or 0)
        for t in themes
    )
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _examples(
    partnership: Partnership, by_slug: dict[str, Theme]
) -> tuple[list[tuple[str, str | None, list[str]]], list[str]]:
    through = Finding.themes.through
    findings = list(
        _coded_findings(partnership)  # type: ignore[attr-defined]
        .order_by("-pk")
        .values_list("pk", "text", "polarity", "audit_id")[:MAX_EXAMPLES]
    )
    by_pk = {t.pk: t for t in by_slug.values()}
    coded: dict[int, list[str]] = {}
    for finding_id, theme_id in through.objects.filter(
        finding_id__in=[f[0] for f in findings]
    ).values_list("finding_id", "theme_id"):
        theme = by_pk.get(theme_id)
        top = _top_of(theme, by_pk, by_slug) if theme is not None else None
        if top is not None and top.slug not in coded.setdefault(finding_id, []):
            coded[finding_id].append(top.slug)
    examples: list[tuple[str, str | None, list[str]]] = []
    groups: list[str] = []
    for pk, text, polarity, audit_id in reversed(findings):
        if coded.get(pk):
            examples.append((text, polarity, coded[pk]))
            groups.append(str(audit_id))
    return examples, groups


def _trained(partnership: Partnership) -> _Trained | None:
    """The partnership's suggester, trained now or reused; None without any active theme."""
    themes = list(Theme.objects.filter(partnership=partnership))
    key = (*_coding_key(partnership), _themes_digest(themes))
    with _lock:
        cached = _cache.get(partnership.pk)
        if (
            cached
            and cached.key == key
            and time.monotonic() - cached.built < MAX_AGE
            and (cached.calibrated or partnership.pk in _calibrating)
        ):
            return cached
        by_slug = {t.slug: t for t in themes}
        taxonomy = _taxonomy(themes)
        if not taxonomy.active:
            return None
        examples, groups = _examples(partnership, by_slug)
        tops = {t.slug: t for t in themes if t.parent_id is None and not t.retired}
        fit_groups = groups if len(set(groups)) >= 3 else None
        if calibrate_sync:
            suggester = Suggester("auto", keywords=False).fit(examples, taxonomy, fit_groups)
            trained = _Trained(key, suggester, tops, time.monotonic(), calibrated=True)
        else:
            # The thresholds of the last calibration (or the defaults) until the thread is done.
            earlier: Thresholds | None = cached.suggester.thresholds if cached else None
            suggester = Suggester("auto", keywords=False)
            suggester.fit(
                examples, taxonomy, fit_groups, thresholds=earlier or suggester.thresholds
            )
            trained = _Trained(key, suggester, tops, time.monotonic())
        _cache[partnership.pk] = trained
    if not trained.calibrated:
        _calibrate_later(partnership.pk, trained, examples, taxonomy, fit_groups)
    return trained


def _calibrate_later(
    pk: int,
    trained: _Trained,
    examples: list[tuple[str, str | None, list[str]]],
    taxonomy: tx.Taxonomy,
    groups: list[str] | None,
) -> None:
    """Fit with cross-validated thresholds in a thread (CPU only: no database), then put the
    result in the cache if the coding has not changed meanwhile. One thread per partnership; a
    newer change is calibrated by the next request after this one ends."""

    def run() -> None:
        try:
            suggester = Suggester("auto", keywords=False).fit(examples, taxonomy, groups)
            with _lock:
                current = _cache.get(pk)
                if current is not None and current.key == trained.key:
                    _cache[pk] = _Trained(
                        trained.key, suggester, trained.themes, trained.built, calibrated=True
                    )
        finally:
            with _lock:
                _calibrating.pop(pk, None)

    with _lock:
        if pk in _calibrating:
            return
        thread = threading.Thread(target=run, name=f"maqa-suggest-calibrate-{pk}", daemon=True)
        _calibrating[pk] = thread
    thread.start()


def wait_for_calibration(timeout: float = 120.0) -> None:
    """Wait for background calibrations of this process to end (tests; the benchmark)."""
    with _lock:
        threads = list(_calibrating.values())
    for thread in threads:
        thread.join(timeout)


def forget(partnership: Partnership | None = None) -> None:
    """Drop the trained suggester(s) of this process (tests; a changed model)."""
    with _lock:
        if partnership is None:
            _cache.clear()
        else:
            _cache.pop(partnership.pk, None)


def active_method() -> str:
    """The method suggestions use here: "embeddings" with the maqa[ml] extra, else "tfidf"."""

    return resolve_method("auto")[0]


def method_line(method: str | None = None) -> str:
    return METHOD_LINES[method or active_method()]


def suggestions_for(
    *,
    partnership: Partnership,
    texts: Sequence[str],
    polarities: Sequence[str | None] | None = None,
    limit: int = OFFERED,
) -> list[PointSuggestions]:
    """Ranked top-level theme suggestions for each text (best first, ``limit`` of them). A blank
    text gets none. The suggester is trained once per process and partnership (see above)."""
    polarities = list(polarities) if polarities is not None else [None] * len(texts)
    wanted = [i for i, t in enumerate(texts) if t and t.strip()]
    trained = _trained(partnership) if wanted else None
    method = trained.suggester.method if trained else active_method()
    out = [PointSuggestions(themes=(), method=method) for _ in texts]
    if trained is None:
        return out
    results = trained.suggester.suggest_many(
        [texts[i] for i in wanted], [polarities[i] for i in wanted]
    )
    for i, result in zip(wanted, results, strict=True):
        offered: list[ThemeSuggestion] = []
        for slug, score in result.ranked:
            theme = trained.themes.get(slug)
            if theme is None:
                continue
            offered.append(
                ThemeSuggestion(
                    theme_pk=theme.pk,
                    slug=slug,
                    name=theme.name,
                    score=score,
                    recommended=slug in result.themes,
                )
            )
            if len(offered) >= limit:
                break
        out[i] = PointSuggestions(themes=tuple(offered), method=method)
    return out
