"""A briefing as HTML: a standalone accessible page, or a fragment to place inside an app page.

Templates are rendered by a Django template engine of this package's own, with autoescaping on,
so that everything a person typed shows as text; it needs neither INSTALLED_APPS nor the
project's TEMPLATES setting (the PDF renderer and the command use it too).
"""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path
from typing import Any

from django.template import Context, Engine
from django.utils.safestring import SafeString, mark_safe

from maqa.briefings import record as briefing_record
from maqa.briefings.record import BriefingContent, briefing_content
from maqa.briefings.types import BriefingRecord

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static" / "briefings"

HEADINGS = {
    "worries": briefing_record.WORRIES_HEADING,
    "good_practice": briefing_record.GOOD_PRACTICE_HEADING,
    "learning": briefing_record.LEARNING_HEADING,
    "found": briefing_record.FOUND_HEADING,
    "actions": briefing_record.ACTIONS_HEADING,
    "resources": briefing_record.RESOURCES_HEADING,
}


@cache
def _engine() -> Engine:
    return Engine(dirs=[str(TEMPLATES_DIR)], autoescape=True, debug=False)


@cache
def _page_css() -> SafeString:
    # Our own files, inlined into <style>: trusted, and they hold no "</".
    css = "\n".join(
        (STATIC_DIR / name).read_text(encoding="utf-8")
        for name in ("briefing.css", "briefing-page.css")
    )
    assert "</" not in css
    return mark_safe(css)  # noqa: S308


def image_mime_type(data: bytes) -> str | None:
    """image/png or image/jpeg from the first bytes; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


def logo_data_uri(logo: bytes) -> str:
    mime = image_mime_type(logo)
    if mime is None:
        raise ValueError("The logo must be a PNG or JPEG image.")
    return f"data:{mime};base64,{base64.b64encode(logo).decode('ascii')}"


def _heading_levels(top_heading: int) -> list[int]:
    if not 1 <= top_heading <= 4:
        raise ValueError("top_heading must be between 1 and 4")
    return [0, top_heading, top_heading + 1, top_heading + 2]


def render_document(
    content: BriefingContent,
    *,
    logo_src: str | None,
    pdf: bool = False,
    stylesheets: list[str] | None = None,
) -> str:
    """The whole HTML document; for the PDF the stylesheets are linked rather than inlined."""
    context: dict[str, Any] = {
        "content": content,
        "headings": HEADINGS,
        "h": _heading_levels(1),
        "logo_src": logo_src,
        "pdf": pdf,
        "stylesheets": stylesheets or [],
        "css": "" if pdf else _page_css(),
    }
    return _engine().get_template("briefings/briefing.html").render(Context(context))


def render_html(
    record: BriefingRecord,
    *,
    logo: bytes | None = None,
    standalone: bool = True,
    top_heading: int = 1,
) -> str:
    """The briefing as HTML.

    ``standalone``: a complete page (``lang="en-GB"``, its styles inline, nothing fetched), for
    download. Otherwise the ``<article class="briefing">`` fragment for an app page, which links
    ``{% static 'briefings/briefing.css' %}`` itself; ``top_heading`` sets the title's heading
    level there (1 gives h1 for the title, h2 for sections, h3 within a theme for learning).
    ``logo`` is the partnership's PNG or JPEG, embedded as a data: address.
    Raises :class:`maqa.briefings.record.InvalidRecord` for an invalid record.
    """
    content = briefing_content(record)
    logo_src = logo_data_uri(logo) if logo else None
    if standalone:
        if top_heading != 1:
            raise ValueError("a standalone page starts at h1")
        return render_document(content, logo_src=logo_src)
    context = {
        "content": content,
        "headings": HEADINGS,
        "h": _heading_levels(top_heading),
        "logo_src": logo_src,
    }
    return _engine().get_template("briefings/_briefing.html").render(Context(context))
