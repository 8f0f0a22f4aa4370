"""The child-process guard: limits on time, memory, size and pages; encrypted PDFs, zip bombs
and unknown formats refused with a clear message, and nothing from a refused file saved."""

from __future__ import annotations

import functools
import inspect
import io
import time
import zipfile

import docx
import pytest

from maqa.briefings.types import BriefingRecord
from maqa.core.errors import ApplicationError
from maqa.importers import UnsupportedDocument, parse_briefing
from maqa.importers.guard import ParseCrashed, ParseRefused, parse_in_child
from maqa.importers.services import reading
from maqa.importers.services.importing import Outcome
from maqa.importers.tests.briefings import briefing, no_suggester  # noqa: F401 (a fixture)
from maqa.importers.tests.test_import_service import rows, run


def _pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """A PDF of the given objects (1 is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(objects) + 1, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def pdf_of_pages(count: int) -> bytes:
    kids = b" ".join(b"%d 0 R" % (n + 3) for n in range(count))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count)]  # fmt: skip
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"] * count
    return _pdf(objects)


def encrypted_pdf() -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <"
        + b"11" * 32
        + b"> /U <"
        + b"22" * 32
        + b"> /P -4 >>",
    ]
    return _pdf(objects, b"/Encrypt 4 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] ")  # fmt: skip


@functools.cache
def zip_bomb_docx() -> bytes:
    """A real Word document with one extra member of 101 MB of zeros (about 100 KB zipped)."""
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Multi-agency audit: Neglect")
    document.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:  # fmt: skip
        for info in source.infolist():
            target.writestr(info, source.read(info))
        with target.open("word/media/padding.bin", "w") as padding:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(101):
                padding.write(chunk)
    return out.getvalue()


def _sleepy(data: bytes, filename: str = "") -> BriefingRecord:
    time.sleep(30)
    return {}


def _greedy(data: bytes, filename: str = "") -> BriefingRecord:
    hoard = [bytearray(16 * 1024 * 1024) for _ in range(64)]  # 1 GB
    return {"warnings": [f"{len(hoard)} blocks"]}


def _broken(data: bytes, filename: str = "") -> BriefingRecord:
    raise RuntimeError("boom")


def test_a_briefing_read_in_the_child_is_the_same_record():
    data = briefing()
    assert parse_in_child(data, "b.txt") == parse_briefing(data, "b.txt")


def test_refusals_are_application_errors():
    assert issubclass(ParseRefused, ApplicationError)


def test_a_file_larger_than_20_mb_is_refused_before_any_child_starts():
    with pytest.raises(ParseRefused, match="larger than 20 MB") as refused:
        parse_in_child(b"a" * (20 * 1024 * 1024 + 1), parser=_broken)
    assert refused.value.kind == "size"


def test_a_parse_running_over_its_time_is_killed():
    started = time.monotonic()
    with pytest.raises(ParseRefused, match=r"took longer than 0\.5 s") as refused:
        parse_in_child(briefing(), timeout=0.5, parser=_sleepy)
    assert time.monotonic() - started < 10
    assert refused.value.kind == "time"


def test_the_default_time_limit_is_30_seconds():
    parameters = inspect.signature(parse_in_child).parameters
    assert parameters["timeout"].default == 30
    assert parameters["memory_mb"].default == 512


def test_a_parse_needing_more_memory_than_allowed_is_refused():
    with pytest.raises(ParseRefused, match="needed more than 64 MB of memory") as refused:
        parse_in_child(briefing(), memory_mb=64, parser=_greedy)
    assert refused.value.kind == "memory"


def test_a_reader_crash_is_reported_not_raised_as_is():
    with pytest.raises(ParseCrashed, match="could not read") as refused:
        parse_in_child(briefing(), parser=_broken)
    assert "RuntimeError" in refused.value.reason


def test_a_pdf_of_more_than_300_pages_is_refused():
    with pytest.raises(UnsupportedDocument, match="more than 300 pages"):
        parse_briefing(pdf_of_pages(301))
    with pytest.raises(ParseRefused, match="more than 300 pages"):
        parse_in_child(pdf_of_pages(301))


def test_a_pdf_of_300_pages_is_not_refused_for_its_length():
    with pytest.raises(UnsupportedDocument, match="without a text layer"):
        parse_briefing(pdf_of_pages(300))


def test_an_encrypted_pdf_is_refused():
    with pytest.raises(UnsupportedDocument, match="encrypted"):
        parse_briefing(encrypted_pdf())
    with pytest.raises(ParseRefused, match="encrypted") as refused:
        parse_in_child(encrypted_pdf())
    assert refused.value.kind == "unsupported"


def test_a_word_file_that_would_unpack_beyond_100_mb_is_refused():
    with pytest.raises(UnsupportedDocument, match="more than 100 MB"):
        parse_briefing(zip_bomb_docx())
    with pytest.raises(ParseRefused, match="more than 100 MB"):
        parse_in_child(zip_bomb_docx())


def test_an_unknown_format_is_refused_with_a_clear_message():
    with pytest.raises(ParseRefused, match="cannot read this document: it is an image"):
        parse_in_child(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)


@pytest.mark.usefixtures("no_suggester")
@pytest.mark.parametrize(
    ("make", "words"),
    [
        (encrypted_pdf, "encrypted"),
        (zip_bomb_docx, "more than 100 MB"),
        (lambda: pdf_of_pages(301), "more than 300 pages"),
    ],
)
def test_nothing_from_a_refused_file_is_saved(personas, make, words):
    before = rows()
    outcome = run(personas, make())
    assert outcome.status == Outcome.FAILED and words in outcome.message
    assert outcome.audit is None and outcome.document is None
    assert rows() == before


@pytest.mark.usefixtures("no_suggester")
def test_a_parse_over_its_time_saves_nothing(personas, monkeypatch):
    monkeypatch.setattr(reading, "parse_briefing", _sleepy)
    monkeypatch.setattr(reading, "parse_in_child", functools.partial(parse_in_child, timeout=0.5))
    before = rows()
    outcome = run(personas, briefing())
    assert outcome.status == Outcome.FAILED and "took longer than 0.5 s" in outcome.message
    assert rows() == before


# Found by the fuzz test (test_fuzz.py): each was an unexpected exception, now a refusal or a record.


def _docx_members() -> dict[str, bytes]:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_word_file_with_a_damaged_part_is_refused():
    members = _docx_members()
    members["[Content_Types].xml"] = b"\x00" + members["[Content_Types].xml"]
    with pytest.raises(UnsupportedDocument, match="Word document that cannot be read"):
        parse_briefing(_zipped(members))


def test_a_zip_of_an_unknown_version_is_refused():
    data = bytearray(_zipped(_docx_members()))
    central = data.find(b"PK\x01\x02")
    data[central + 6] = 0xFF  # "needs version 25.5 to extract"
    with pytest.raises(UnsupportedDocument, match="damaged zip"):
        parse_briefing(bytes(data))


def test_utf16_text_cut_at_an_odd_byte_is_still_read():
    data = "What we are worried about\n• Drift\n".encode("utf-16") + b"\x00"
    assert isinstance(parse_briefing(data), dict)
