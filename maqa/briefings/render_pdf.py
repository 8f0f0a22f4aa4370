"""A briefing as a tagged, accessible A4 PDF (WeasyPrint, PDF/UA-1).

WeasyPrint fetches what the HTML refers to (stylesheets, images) through a URL fetcher. Ours,
:class:`BriefingURLFetcher`, reads only the briefing's own static files and the partnership's
logo file; everything else (http, https, ftp, file: anywhere else) is refused, so nothing in a
record can make the server fetch an address or read a local file. (Everything a person typed is
escaped in the HTML anyway; this is the second wall.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint import HTML, URLFetcher
from weasyprint.urls import URLFetcherResponse, path2url

from maqa.briefings.record import briefing_content
from maqa.briefings.render_html import STATIC_DIR, image_mime_type, render_document
from maqa.briefings.types import BriefingRecord

STYLESHEETS = ["briefing.css", "briefing-print.css"]


class FetchRefused(ValueError):
    """The fetcher will not read this address."""


class BriefingURLFetcher(URLFetcher):
    """Reads files under ``static_dir`` and the one file ``logo_path``; data: addresses; nothing else."""

    def __init__(self, *, static_dir: Path = STATIC_DIR, logo_path: Path | None = None) -> None:
        super().__init__(timeout=5, allowed_protocols=("file", "data"), allow_redirects=False)
        self.static_dir = static_dir.resolve()
        self.logo_path = logo_path.resolve() if logo_path else None
        self.refused: list[str] = []

    def allowed_path(self, url: str) -> Path | None:
        """The local file ``url`` names, if it is one we may read."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if self.logo_path is not None and path == self.logo_path:
            return path
        if path.is_relative_to(self.static_dir) and path.is_file():
            return path
        return None

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        path = self.allowed_path(url)
        if path is None:
            self.refused.append(url)
            raise FetchRefused(f"briefings fetch only their own static files and logo: {url}")
        body = path.read_bytes()
        mime = image_mime_type(body) or ("text/css" if path.suffix == ".css" else None)
        response_headers = {"Content-Type": mime} if mime else {}
        return URLFetcherResponse(path2url(str(path)), body, response_headers)


def render_pdf(record: BriefingRecord, *, logo_path: Path | None = None) -> bytes:
    """The briefing as an A4 PDF/UA-1 document, its title and language in the metadata.

    ``logo_path``: the partnership's uploaded logo (PNG or JPEG), the only file outside the
    briefing's static files that the PDF may read.
    Raises :class:`maqa.briefings.record.InvalidRecord` for an invalid record.
    """
    content = briefing_content(record)
    if logo_path is not None:
        logo_path = Path(logo_path)
        if image_mime_type(logo_path.read_bytes()[:8]) is None:
            raise ValueError("The logo must be a PNG or JPEG image.")
    fetcher = BriefingURLFetcher(logo_path=logo_path)
    html = render_document(
        content,
        logo_src=path2url(str(logo_path.resolve())) if logo_path else None,
        pdf=True,
        stylesheets=STYLESHEETS,
    )
    document = HTML(
        string=html,
        base_url=path2url(str(STATIC_DIR)) + "/",
        url_fetcher=fetcher,
        media_type="print",
    )
    pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    assert isinstance(pdf, bytes)
    return pdf
