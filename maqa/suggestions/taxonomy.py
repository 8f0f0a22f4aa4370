"""The theme taxonomy: load and validate it. Pure functions, no database.

The file (``maqa/suggestions/data/taxonomy.yaml`` by default) looks like::

    version: 1
    themes:
      - slug: child-voice
        name: "Voice and lived experience of the child"
        definition: "..."
        boundary: "..."            # optional: what belongs to another theme instead
        keywords: ["...", "..."]   # optional
        deprecated: false          # optional; a deprecated theme names its successor
        successor: other-slug      # required when deprecated
        subthemes:
          - slug: child-voice.views-heard-recorded
            definition: "..."      # may be empty

Slugs are stable (lowercase words joined by hyphens); a sub-theme's slug is its parent's slug,
a dot and its own part. Every problem found is reported at once, with where it is
(``themes[3].subthemes[1].slug: ...``), as a :class:`TaxonomyError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DEFAULT_TAXONOMY = "taxonomy.yaml"  # in maqa/suggestions/data/


class TaxonomyError(ValueError):
    """The taxonomy file is not valid; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[str], source: str = "taxonomy") -> None:
        self.problems = list(problems)
        self.source = source
        listed = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{source} is not a valid theme taxonomy:\n{listed}")


@dataclass(frozen=True)
class Subtheme:
    slug: str  # "parent.child"
    definition: str = ""

    @property
    def parent(self) -> str:
        return self.slug.split(".", 1)[0]


@dataclass(frozen=True)
class Theme:
    slug: str
    name: str
    definition: str
    boundary: str = ""
    keywords: tuple[str, ...] = ()
    subthemes: tuple[Subtheme, ...] = ()
    deprecated: bool = False
    successor: str | None = None

    def descriptions(self, *, keywords: bool = True, subthemes: bool = True) -> list[str]:
        """The texts that describe this theme: name, definition, sub-theme definitions (unless
        ``subthemes`` is false) and each keyword (unless ``keywords`` is false). The boundary is
        left out: it describes what belongs to *other* themes."""
        texts = [self.name, self.definition]
        if subthemes:
            texts += [sub.definition for sub in self.subthemes]
        if keywords:
            texts += list(self.keywords)
        return [t.strip() for t in texts if t and t.strip()]


@dataclass(frozen=True)
class Taxonomy:
    version: int
    themes: tuple[Theme, ...]
    source: str = field(default="taxonomy", compare=False)

    def __iter__(self) -> Iterator[Theme]:
        return iter(self.themes)

    def __len__(self) -> int:
        return len(self.themes)

    @property
    def slugs(self) -> list[str]:
        """Every top-level slug, deprecated ones included, in file order."""
        return [t.slug for t in self.themes]

    @property
    def active(self) -> list[Theme]:
        """The themes a finding can be coded to now (not deprecated)."""
        return [t for t in self.themes if not t.deprecated]

    @property
    def subtheme_slugs(self) -> list[str]:
        return [s.slug for t in self.themes for s in t.subthemes]

    def get(self, slug: str) -> Theme:
        for theme in self.themes:
            if theme.slug == slug:
                return theme
        raise KeyError(slug)

    def resolve(self, slug: str) -> str:
        """The active top-level slug for a theme or sub-theme slug (``parent.child`` counts as
        ``parent``; a deprecated theme as its successor, followed to the end). KeyError if unknown."""
        top = slug.strip().split(".", 1)[0]
        seen: set[str] = set()
        theme = self.get(top)
        while theme.deprecated and theme.successor and theme.slug not in seen:
            seen.add(theme.slug)
            theme = self.get(theme.successor)
        if "." in slug.strip() and slug.strip() not in self.subtheme_slugs:
            raise KeyError(slug)
        return theme.slug


def _text(value: Any, where: str, problems: list[str], *, required: bool) -> str:
    if value is None:
        if required:
            problems.append(f"{where}: missing")
        return ""
    if not isinstance(value, str):
        problems.append(f"{where}: must be text, not {type(value).__name__}")
        return ""
    if required and not value.strip():
        problems.append(f"{where}: empty")
    return value.strip()


def parse_taxonomy(data: Any, source: str = "taxonomy") -> Taxonomy:
    """Validate already-parsed YAML (a mapping) and build the :class:`Taxonomy`."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise TaxonomyError(["the file must be a mapping with 'version' and 'themes'"], source)
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append(f"version: must be a whole number of at least 1, not {version!r}")
        version = 0
    unknown_top = sorted(set(data) - {"version", "themes"})
    if unknown_top:
        problems.append(f"unknown top-level key(s): {', '.join(map(str, unknown_top))}")
    raw_themes = data.get("themes")
    if not isinstance(raw_themes, list) or not raw_themes:
        problems.append("themes: must be a non-empty list")
        raw_themes = []
    themes: list[Theme] = []
    seen: dict[str, str] = {}
    theme_keys = {"slug", "name", "definition", "boundary", "keywords", "subthemes"}
    theme_keys |= {"deprecated", "successor"}
    for i, raw in enumerate(raw_themes):
        where = f"themes[{i}]"
        if not isinstance(raw, Mapping):
            problems.append(f"{where}: must be a mapping")
            continue
        slug = _text(raw.get("slug"), f"{where}.slug", problems, required=True)
        if slug:
            where = f"themes[{i}] ({slug})"
            if not SLUG_RE.match(slug):
                problems.append(f"{where}.slug: use lowercase words joined by hyphens")
            if slug in seen:
                problems.append(f"{where}.slug: duplicate of {seen[slug]}")
            seen[slug] = f"themes[{i}]"
        unknown = sorted(set(raw) - theme_keys)
        if unknown:
            problems.append(f"{where}: unknown key(s): {', '.join(map(str, unknown))}")
        name = _text(raw.get("name"), f"{where}.name", problems, required=True)
        definition = _text(raw.get("definition"), f"{where}.definition", problems, required=True)
        boundary = _text(raw.get("boundary"), f"{where}.boundary", problems, required=False)
        keywords_raw = raw.get("keywords") or []
        keywords: list[str] = []
        if not isinstance(keywords_raw, list):
            problems.append(f"{where}.keywords: must be a list of text")
        else:
            for k, kw in enumerate(keywords_raw):
                keywords.append(_text(kw, f"{where}.keywords[{k}]", problems, required=True))
        deprecated = raw.get("deprecated", False)
        if not isinstance(deprecated, bool):
            problems.append(f"{where}.deprecated: must be true or false")
            deprecated = False
        successor = raw.get("successor")
        if successor is not None and not isinstance(successor, str):
            problems.append(f"{where}.successor: must be a slug")
            successor = None
        if deprecated and not successor:
            problems.append(f"{where}: a deprecated theme must name its successor")
        if successor and not deprecated:
            problems.append(f"{where}.successor: only a deprecated theme has a successor")
        subs_raw = raw.get("subthemes") or []
        subthemes: list[Subtheme] = []
        if not isinstance(subs_raw, list):
            problems.append(f"{where}.subthemes: must be a list")
            subs_raw = []
        for j, sub in enumerate(subs_raw):
            swhere = f"{where}.subthemes[{j}]"
            if not isinstance(sub, Mapping):
                problems.append(f"{swhere}: must be a mapping")
                continue
            unknown = sorted(set(sub) - {"slug", "definition", "name"})
            if unknown:
                problems.append(f"{swhere}: unknown key(s): {', '.join(map(str, unknown))}")
            sslug = _text(sub.get("slug"), f"{swhere}.slug", problems, required=True)
            sdef = _text(sub.get("definition"), f"{swhere}.definition", problems, required=False)
            if sslug:
                parent, dot, child = sslug.partition(".")
                if slug and (parent != slug or not dot):
                    problems.append(f"{swhere}.slug: {sslug!r} must start with {slug + '.'!r}")
                elif not SLUG_RE.match(child):
                    problems.append(f"{swhere}.slug: use lowercase words joined by hyphens")
                if sslug in seen:
                    problems.append(f"{swhere}.slug: duplicate of {seen[sslug]}")
                seen[sslug] = swhere
            subthemes.append(Subtheme(slug=sslug, definition=sdef))
        themes.append(
            Theme(
                slug=slug,
                name=name,
                definition=definition,
                boundary=boundary,
                keywords=tuple(keywords),
                subthemes=tuple(subthemes),
                deprecated=deprecated,
                successor=successor,
            )
        )
    top = {t.slug for t in themes}
    for t in themes:
        if t.successor and (t.successor not in top or t.successor == t.slug):
            problems.append(f"themes ({t.slug}).successor: {t.successor!r} is not another theme")
    if themes and not any(not t.deprecated for t in themes):
        problems.append("themes: every theme is deprecated")
    if problems:
        raise TaxonomyError(problems, source)
    return Taxonomy(version=version, themes=tuple(themes), source=source)


def default_taxonomy_path() -> Path:
    """The taxonomy that ships with maqa (``maqa/suggestions/data/taxonomy.yaml``)."""
    return Path(str(resources.files("maqa.suggestions").joinpath("data", DEFAULT_TAXONOMY)))


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read and validate a taxonomy file; without a path, the one that ships with maqa."""
    file = Path(path) if path is not None else default_taxonomy_path()
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise TaxonomyError([f"cannot read it: {exc.strerror or exc}"], str(file)) from exc
    except UnicodeDecodeError as exc:
        raise TaxonomyError(["it is not UTF-8 text"], str(file)) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise TaxonomyError([f"not valid YAML: {exc}"], str(file)) from exc
    return parse_taxonomy(data, source=str(file))
