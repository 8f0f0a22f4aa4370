"""TODO"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from maqa.audits import crypto
from maqa.audits.models import Audit


def name_patterns(full_name: str) -> list[re.Pattern[str]]:
    """The full name, and each part of it of three letters or more, as whole words."""
    parts = [p for p in re.split(r"[\s\-']+", full_name.strip()) if len(p) >= 3]
    needles = {full_name.strip(), *parts}
    return [re.compile(rf"(?<!\w){re.escape(n)}(?!\w)", re.IGNORECASE) for n in needles if n]


@dataclass(frozen=True)
class Hit:
    where: str  # "What we are worried about, point 3"
    kind: str  # "an NHS number"
    excerpt: str = ""  # the text around it, with everything found masked


NAME, CASE_NUMBER, DATE_OF_BIRTH = "a child's name", "a child's case number", "a date of birth"


NHS_NUMBER, POSTCODE, PHONE = "an NHS number", "a postcode", "a phone number"


EMAIL, STREET_ADDRESS = "an email address", "a street address"


NHS_CANDIDATE = re.compile(r"(?<![\w.])(\d{3})[ \-]?(\d{3})[ \-]?(\d{4})(?![\w])")


POSTCODE_PATTERN = re.compile(
    r"(?<![A-Za-z0-9])(?:GIR ?0AA|[A-PR-UWYZ](?:[0-9][0-9A-HJKPSTUW]?|[A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})(?![A-Za-z0-9])",
    re.IGNORECASE,
)


# 01, 02, 03 and 07 numbers: 0 and 9 or 10 more digits, spaces, dashes and brackets allowed;
# or the same after +44, with or without (0).
PHONE_PATTERN = re.compile(
    r"(?<![\w+])(?:\+44[ \-]?(?:\(0\)[ \-]?)?|\(?0)[1237](?:[ \-)]{0,2}\d){8,9}(?!\d)"
)


EMAIL_PATTERN = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")


STREET_WORDS = (
    "Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Crescent|Cres|Court|Ct|Place|Pl|"
    "Grove|Gardens|Gdns|Terrace|Tce|Walk|Square|Sq|Mews|Row|Parade|Hill|Rise|View|Park|Green"
)


# A house number, one to three capitalised words, a street word: "12 Acacia Avenue",
# "4a Mill Lane", "Flat 2, 17 Old Station Rd".
STREET_PATTERN = re.compile(
    r"(?<![\w/.,\-])\d{1,4}[A-Za-z]?,?[ \t]+((?:[A-Z][A-Za-z'\u2019\-]*\.?[ \t]+){1,3})"
    rf"(?i:{STREET_WORDS})\b\.?"
)


# "the Family Court", "a Crown Court hearing": courts, not streets.
NOT_STREET_COURTS = {"family", "crown", "youth", "magistrates", "magistrates'", "county", "high"}


MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def nhs_number_valid(digits: str) -> bool:
    """Whether ten digits are an NHS number: the modulus 11 check digit matches."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def date_of_birth_patterns(born: date) -> list[re.Pattern[str]]:
    """A date in the common ways of writing it: 01/05/2019, 1.5.19, 2019-05-01, 1 May 2019,
    1st of May 2019, May 1st, 2019 (and the month first, as in American dates)."""
    d, m, y = born.day, born.month, born.year
    day, month, year = rf"0?{d}", rf"0?{m}", rf"(?:{y}|{y % 100:02d})"
    sep = r"\s?[/.\-]\s?"
    name = MONTHS[m - 1]
    month_name = rf"(?:{name}|{name[:3]}{'|Sept' if m == 9 else ''})\.?"
    ordinal = r"(?:st|nd|rd|th)?"
    forms = [
        rf"{day}{sep}{month}{sep}{year}",
        rf"{month}{sep}{day}{sep}{year}",
        rf"{y}{sep}{month}{sep}{day}",
        rf"{day}{ordinal}\s+(?:of\s+)?{month_name},?\s+{year}",
        rf"{month_name}\s+{day}{ordinal},?\s+{year}",
    ]
    return [re.compile(rf"(?<![\w/.\-]){f}(?![\w/])", re.IGNORECASE) for f in forms]


def case_number_pattern(number: str) -> re.Pattern[str]:
    """The case number as a whole word, its separators optional: CN-123 / CN 123 / CN123."""
    chars = [c for c in number if c.isalnum()]
    body = r"[\s\-/.]?".join(re.escape(c) for c in chars)
    return re.compile(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])", re.IGNORECASE)


@dataclass(frozen=True)
class SampleIdentifiers:
    """The sample's identifiers, compiled: what the scan looks for beyond the general kinds."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...] = ()


def sample_identifiers(audit: Audit) -> SampleIdentifiers:
    """Decrypt the sampled children's names, dates of birth and case numbers into patterns.

    (After the audit closes they are gone, and only the general kinds are looked for.)"""
    patterns: list[tuple[str, re.Pattern[str]]] = []
    for child in audit.cases.filter(sampled=True):
        name = crypto.decrypt(audit, child.enc_name)
        number = crypto.decrypt(audit, child.enc_case_number)
        born = crypto.decrypt(audit, child.enc_dob)
        if name.strip():
            patterns += [(NAME, p) for p in name_patterns(name)]
        if number.strip():
            patterns.append((CASE_NUMBER, case_number_pattern(number)))
        if born.strip():
            try:
                patterns += [
                    (DATE_OF_BIRTH, p) for p in date_of_birth_patterns(date.fromisoformat(born))
                ]
            except ValueError:
                patterns.append((DATE_OF_BIRTH, re.compile(re.escape(born.strip()), re.IGNORECASE)))
    return SampleIdentifiers(patterns=tuple(patterns))


def _general_spans(text: str) -> list[tuple[str, int, int]]:
    spans: list[tuple[str, int, int]] = []
    for match in NHS_CANDIDATE.finditer(text):
        if nhs_number_valid("".join(match.groups())):
            spans.append((NHS_NUMBER, *match.span()))
    spans += [(POSTCODE, *m.span()) for m in POSTCODE_PATTERN.finditer(text)]
    spans += [(PHONE, *m.span()) for m in PHONE_PATTERN.finditer(text)]
    spans += [(EMAIL, *m.span()) for m in EMAIL_PATTERN.finditer(text)]
    for match in STREET_PATTERN.finditer(text):
        words = match.group(1).split()
        street = match.group(0).rstrip(".").split()[-1].lower()
        if street == "court" and words[-1].lower() in NOT_STREET_COURTS:
            continue
        spans.append((STREET_ADDRESS, *match.span()))
    return spans


def text_spans(text: str, sample: SampleIdentifiers) -> list[tuple[str, int, int]]:
    """Every (kind, start, end) found in ``text``."""
    spans = [(kind, *m.span()) for kind, p in sample.patterns for m in p.finditer(text)]
    return spans + _general_spans(text)


def _masked(text: str, spans: list[tuple[str, int, int]]) -> str:
    """``text`` with every character found replaced, but the first of each: "S•••••••••"."""
    chars = list(text)
    for _, start, end in spans:
        for i in range(start + 1, end):
            if chars[i].isalnum():
                chars[i] = "•"
    return "".join(chars)


def _excerpt(masked: str, start: int, end: int, width: int = 30) -> str:
    left, right = max(0, start - width), min(len(masked), end + width)
    piece = " ".join(masked[left:right].split())
    return f"{'…' if left else ''}{piece}{'…' if right < len(masked) else ''}"


def scan_texts(texts: Iterable[tuple[str, str]], sample: SampleIdentifiers) -> list[Hit]:
    """One hit per kind of thing found in each place, with a masked excerpt."""
    hits: list[Hit] = []
    for where, text in texts:
        if not text:
            continue
        spans = sorted(text_spans(text, sample), key=lambda s: (s[1], s[2]))
        if not spans:
            continue
        masked = _masked(text, spans)
        reported: set[str] = set()
        for kind, start, end in spans:
            if kind not in reported:
                reported.add(kind)
                hits.append(Hit(where=where, kind=kind, excerpt=_excerpt(masked, start, end)))
    return hits
