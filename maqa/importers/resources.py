"""Names of the toolkits, policies, trainings and services a briefing links to.

Briefings name a resource around a link: "Click here to open the Home Conditions Toolkit",
"Graded Care Profile available here", "Challenging Decisions – click here for the policy", "NEW
Exploitation Screening Training is available here", or a bare link label in a list.
"""

# Briefings are typeset: their dashes, bullets and curly quotes are matched on purpose.
# ruff: noqa: RUF001, RUF002, RUF003

from __future__ import annotations

import re

from maqa.importers.vocabulary import words

_LINK_CUE = re.compile(
    r"\bclick(?:ing)?\s+(?:on\s+)?here\b|\bclick\s+(?:on\s+)?(?:the\s+)?(?:link|image|logo|icon|button)\b"
    r"|\b(?:is|are)\s+(?:all\s+)?(?:now\s+)?(?:available\s+|accessible\s+|found\s+|located\s+)?here\b"
    r"|\b(?:available|accessible|found|located|accessed|downloaded)\s+here\b"
    r"|\b(?:read|see|view|access|find|download)\s+(?:it|them|this|more|the\s+\w+(?:\s+\w+){0,5})\s+here\b"
    r"|\bhere\s*[.:]?\s*$|https?://\S+|\bwww\.\S+",
    re.IGNORECASE,
)
_URL = re.compile(r"\(?\s*(?:https?://|www\.)\S+\s*\)?", re.IGNORECASE)
_CLICK_LEAD = re.compile(
    r"^(?:please\s+)?click\s+(?:on\s+)?here\s*(?:(?:to|and)\s+(?:access|read|see|view|get|find|download|"
    r"open|visit|contact|go\s+to|look\s+at|learn\s+more\s+about|find\s+out\s+more\s+about|"
    r"read\s+more\s+about|access\s+more\s+about|request|book\s+(?:on|onto)|sign\s+up\s+(?:to|for)|"
    r"watch|listen\s+to)\s+)?(?:for\s+)?(?:(?:further|more)\s+(?:information|info|details)\s+"
    r"(?:about|on|regarding|relating\s+to)\s+)?",
    re.IGNORECASE,
)
_HERE_TAIL = re.compile(
    r"\s*[-–—:,]?\s*(?:(?:is|are)\s+(?:all\s+)?(?:now\s+)?(?:available|accessible|found|located)?\s*here\b"
    r"|(?:can\s+be\s+)?(?:available|accessible|found|located|accessed|downloaded|read)\s+here\b"
    r"|-?\s*click\s+(?:on\s+)?here\b|here\b\s*[.:]?\s*$).*$",
    re.IGNORECASE | re.DOTALL,
)
_THERE_IS = re.compile(
    r"^(?P<lead>.*?)\bthere\s+(?:is|are)\s+(?:a\s+|an\s+|some\s+)?(?:new\s+|free\s+)?"
    r"(?P<kind>(?:[\w-]+\s+){0,2}?(?:session|course|training|e-learning|module|briefing|video|"
    r"podcast|webinar|workshop|guide|toolkit|tool|leaflet|resource|policy|procedure|pathway|"
    r"checklist|presentation|recording|pack|film)s?)\b",
    re.IGNORECASE,
)
_KIND_AFTER = re.compile(
    r"\bclick\s+here\s+(?:for|to\s+(?:see|read|view|access))\s+the\s+(?P<kind>policy|procedure|"
    r"toolkit|tool|guidance|report|protocol|pathway|leaflet|training|strategy)\b",
    re.IGNORECASE,
)
_RESOURCE_NOUN = (
    r"(?:Tool|Toolkit|Toolkits|Tools|Policy|Policies|Procedure|Procedures|Guidance|Guide|Report|"
    r"Protocol|Pathway|Strategy|Training|Leaflet|Checklist|Framework|Service|Services|Briefing|"
    r"Resources|Assessment|Handbook|Course|Module|Website|Video|Podcast)"
)
_GENERIC = re.compile(
    r"^(?:here|this|this\s+link|link|the\s+link|more|more\s+information|further\s+information|"
    r"information|details|website|the\s+policy|policy|it|them|click|page|document|the\s+document)$",
    re.IGNORECASE,
)
_BARE_VERB = re.compile(
    r"^(?:to|for)(?:\s+(?:access|read|see|view|get|find|download|open|visit|contact|book|request|watch))?$",
    re.IGNORECASE,
)
_FUNCTION_WORDS = words("a an the of to for and or in on at by with from into about as is are be")


def is_resource(text: str) -> bool:
    """Whether a paragraph is a link to a resource rather than a point of the briefing."""
    return bool(_LINK_CUE.search(text)) and len(text.split()) <= 45


def looks_like_name(text: str) -> bool:
    """A label such as "Home Safety Checklist for Families": short, capitalised, no sentence."""
    words = re.findall(r"[A-Za-z][\w'’-]*", text)
    if not words or len(words) > 16 or re.search(r"[.!?]$", text.strip()):
        return False
    content = [w for w in words if w.lower() not in _FUNCTION_WORDS]
    if not content:
        return False
    capitalised = sum(1 for w in content if w[0].isupper())
    return capitalised / len(content) >= 0.7


def clean_name(name: str) -> str:
    name = _URL.sub(" ", name)
    name = " ".join(name.split()).strip(" \t-–—:;,.|>•*")
    name = re.sub(r"^(?:NEW|FREE|UPDATED|LATEST)\b[!:]?\s+", "", name)
    name = re.sub(r"^(?:the|a|an|our)\s+", "", name)
    name = re.sub(r"\s*\((?:link|opens[^)]*)\)$", "", name, flags=re.IGNORECASE)
    name = name.strip(" \"'“”‘’")
    return name.strip(" -–—:;,.")


def _label(text: str) -> str:
    """The name in "Name – what it is" or "Label: Name"."""
    text = text.strip()
    dash = re.split(r"\s+[-–—]\s*|\s*[-–—]\s+", text, maxsplit=1)
    if len(dash) == 2 and 1 <= len(dash[0].split()) <= 8:
        text = dash[0]
    if ":" in text:
        before, after = text.split(":", 1)
        if after.strip() and len(before.split()) == 1:
            text = after
        elif before.strip():
            text = before
    return text


def split_glued(text: str) -> list[str]:
    """Two link labels run together: "Signs of Safety for Babies Tool Signs of Safety for Teens Tool"."""
    words = text.split()
    if len(words) >= 6:
        lead = [w.lower() for w in words[:3]]
        for i in range(3, len(words) - 2):
            if [w.lower() for w in words[i : i + 3]] == lead:
                return [" ".join(words[:i]), *split_glued(" ".join(words[i:]))]
    match = re.search(rf"^(?P<a>.*?\b{_RESOURCE_NOUN})\s+(?P<b>[A-Z][\w'’-]*(?:\s+\S+)+)$", text)
    if match and len(match["a"].split()) >= 2 and re.search(rf"\b{_RESOURCE_NOUN}\b", match["b"]):
        b_words = match["b"].split()
        if len(b_words) >= 2 and b_words[0].lower() not in _FUNCTION_WORDS:
            return [match["a"], *split_glued(match["b"])]
    return [text]


def resource_names(text: str) -> list[str]:
    """The resources one paragraph names, in order."""
    text = " ".join(text.split())
    parts = [
        p for p in re.split(r"(?i)(?=\b(?:please\s+)?click\s+(?:on\s+)?here\b)", text) if p.strip()
    ]
    # "Name – click here for the policy": the name precedes the click.
    merged: list[str] = []
    for part in parts:
        if (
            merged
            and not re.match(r"(?i)^(?:please\s+)?click", merged[-1])
            and re.match(
                r"(?i)^(?:please\s+)?click\s+(?:on\s+)?here\s*(?:for\s+the\s+\w+|to\s+\w+\s+the\s+\w+)?\s*[.:]?\s*$",
                part.strip(),
            )
        ):
            merged[-1] += " " + part
        else:
            merged.append(part)
    names: list[str] = []
    for part in merged:
        name = _one_name(part.strip())
        if name:
            names.extend(clean_name(n) for n in split_glued(name))
    return [
        n
        for n in names
        if n and not _GENERIC.match(n) and not _BARE_VERB.match(n) and len(n.split()) <= 16
    ]


def _one_name(part: str) -> str | None:
    there = _THERE_IS.search(part)
    if there:
        lead = clean_name(_label(there["lead"])) if there["lead"].strip() else ""
        lead = lead if len(lead.split()) <= 6 else ""
        return f"{lead} {there['kind']}".strip()
    kind_match = _KIND_AFTER.search(part)
    if _CLICK_LEAD.match(part) and _CLICK_LEAD.sub("", part, count=1).strip():
        name = _CLICK_LEAD.sub("", part, count=1)
        name = re.split(r"\s+[-–—]\s+|\.\s", name)[0]
    else:
        name = _HERE_TAIL.sub("", part)
        name = re.sub(r"(?i)^(?:read|see|view|access|find|download)\s+", "", name)
        name = _label(name)
        if kind_match:
            kind = kind_match["kind"]
            if not re.search(rf"\b{re.escape(kind)}\b", name, re.IGNORECASE):
                name = f"{name.strip(' -–—')} {kind}"
    if not _URL.sub("", name).strip():
        # "https://... – Neglect Toolkit": the name after the address.
        after = _URL.split(part)
        name = after[-1] if after else ""
    name = clean_name(name)
    return name or None
