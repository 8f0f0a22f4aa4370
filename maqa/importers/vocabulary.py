"""The words briefings use: section headings, numbers, months, plan types and imperative verbs.

Everything here is matched against *normalised* text: lower case, runs of anything but letters,
digits and apostrophes turned into one space (see `key`).
"""

# Briefings are typeset: their dashes, bullets and curly quotes are matched on purpose.
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

import re


def words(text: str) -> frozenset[str]:
    """The words of a whitespace-separated list."""
    return frozenset(text.split())


# Sections of a briefing. A heading line is recognised when, normalised, it equals one of these
# (or starts with one followed by a colon or dash and more text).
WORRIES = "worries"
GOOD_PRACTICE = "good_practice"
LEARNING = "learning"  # a "themes for learning" block: found points, perhaps per theme
FOUND = "found"  # "what we found": the found part of a learning theme
ACTIONS = "actions"  # "what needs to happen": the actions of a learning theme
RESOURCES = "resources"
ORGANISATIONS = "organisations"
NEEDS = "needs"
INTRO = "intro"  # background, aim, the sample: facts, not findings
OTHER = "other"  # a summary: bullets there are findings, prose is read for its findings
SKIP = "skip"  # a web page's related links, feedback form, contact details: not the briefing

HEADINGS: dict[str, tuple[str, ...]] = {
    WORRIES: (
        "what we are worried about",
        "what are we worried about",
        "what we were worried about",
        "what were we worried about",
        "what worried us",
        "what are we worried about now",
        "worries",
        "our worries",
        "areas for development",
        "areas of development",
        "areas for improvement",
        "areas of improvement",
        "areas for further development",
        "areas of concern",
        "concerns",
        "key concerns",
        "what needs to improve",
        "what needs improving",
        "what needs to be improved",
        "what could be better",
        "what could have been better",
        "what could be improved",
        "what is not working well",
        "what isn't working well",
        "what is not working",
        "what didn't work well",
        "what didn't go well",
        "what did not go well",
        "what went less well",
        "what could have gone better",
        "what was not so good",
        "what wasn't so good",
        "what did not work well",
        "what was not working well",
        "even better if",
        "challenges",
        "gaps in practice",
        "weaknesses",
        "what concerned us",
        "what we need to improve",
        "what could we do better",
        "issues identified",
        "practice concerns",
        "concerns identified",
        "areas for learning and development",
    ),
    GOOD_PRACTICE: (
        "what good practice did we see",
        "what good practice we saw",
        "what good practice was seen",
        "good practice",
        "good practice seen",
        "good practice identified",
        "examples of good practice",
        "areas of good practice",
        "evidence of good practice",
        "strengths",
        "key strengths",
        "strengths identified",
        "what is working well",
        "what's working well",
        "what was working well",
        "what went well",
        "what worked well",
        "what we saw that was good",
        "positive practice",
        "positives",
        "what we liked",
        "areas of strength",
        "strengths and good practice",
        "good practice and strengths",
        "what has worked well",
        "practice strengths",
        "positive findings",
        "positive practice identified",
        "what was good",
    ),
    LEARNING: (
        "themes for learning",
        "theme for learning",
        "learning themes",
        "learning theme",
        "key learning",
        "key learning points",
        "learning points",
        "learning",
        "learning from the audit",
        "what we learned",
        "what we learnt",
        "what did we learn",
        "key themes",
        "themes",
        "themes identified",
        "key findings",
        "findings",
        "main findings",
        "summary of findings",
        "audit findings",
        "learning identified",
        "themes from the audit",
        "lessons learned",
        "lessons learnt",
        "key lessons",
        "what the audit told us",
        "what did the audit find",
        "key themes identified",
        "what did we find",
    ),
    FOUND: (
        "what we found",
        "what did we find",
        "what was found",
        "what the audit found",
        "finding",
        "findings",
        "what we saw",
    ),
    ACTIONS: (
        "what needs to happen",
        "what needs to happen next",
        "what should happen",
        "what needs to change",
        "what will happen next",
        "what happens next",
        "what we need to do",
        "what practitioners need to do",
        "what practitioners should do",
        "what you can do",
        "what can you do",
        "recommendations",
        "recommendation",
        "key recommendations",
        "next steps",
        "key messages",
        "key messages for practitioners",
        "key messages for practice",
        "messages for practice",
        "learning for practice",
        "actions",
        "agreed actions",
        "action plan",
        "actions agreed",
        "what we will do",
        "what will we do",
        "what we will do next",
        "actions for practitioners",
        "what this means for practice",
        "implications for practice",
        "what can practitioners do",
        "practice points",
        "recommendations for practice",
    ),
    RESOURCES: (
        "resources",
        "useful resources",
        "helpful resources",
        "related resources",
        "tools and resources",
        "resources and links",
        "links",
        "useful links",
        "helpful links",
        "further information",
        "further reading",
        "more information",
        "find out more",
        "where to find out more",
        "where to get help",
        "useful documents",
        "training",
        "training and resources",
        "policies and procedures",
        "useful contacts",
        "links to resources",
        "further resources",
        "additional resources",
        "relevant policies",
        "policies and guidance",
        "guidance",
        "tools",
    ),
    ORGANISATIONS: (
        "organisations involved",
        "organisations",
        "agencies involved",
        "agencies",
        "participating agencies",
        "participating organisations",
        "who took part",
        "agencies that took part",
        "organisations that took part",
        "agencies that participated",
    ),
    NEEDS: (
        "the children's needs",
        "children's needs",
        "needs",
        "presenting needs",
        "needs and experiences",
    ),
    SKIP: (
        "related content",
        "related pages",
        "related links",
        "related information",
        "you might also be interested in",
        "you may also be interested in",
        "share this page",
        "contact us",
        "get in touch",
        "cookies",
        "cookie settings",
        "feedback",
        "give feedback",
        "was this page helpful",
        "accessibility",
        "accessibility statement",
        "site map",
        "sitemap",
        "quick links",
        "in this section",
    ),
    INTRO: (
        "introduction",
        "background",
        "about the audit",
        "about this audit",
        "the audit",
        "aim",
        "aims",
        "aim of the audit",
        "the aim of the audit",
        "aims of the audit",
        "purpose",
        "purpose of the audit",
        "scope",
        "methodology",
        "method",
        "the sample",
        "sample",
        "who was audited",
        "the children",
        "context",
    ),
    OTHER: ("summary", "executive summary", "overview", "key points", "at a glance"),
}

# Prefixes that introduce a learning theme's title on the same line, with or without a colon:
# "Themes for Learning – Hearing the Child", "Themes for Learning Drift in plans",
# "Theme 2: Neglect", "Learning theme one - Voice of the child".
THEME_PREFIX = re.compile(
    r"^(?:themes?\s+for\s+learning|learning\s+themes?|key\s+learning(?:\s+theme)?|theme)"
    r"(?:\s+(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten))?\s*[:.\-–—]?\s*(?P<title>.*)$",
    re.IGNORECASE,
)

NUMBER_WORDS: dict[str, int] = {
    "no": 0,
    "zero": 0,
    "one": 1,
    "a single": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
}
# "twenty-one" to "sixty-nine": a tens word, a hyphen or space, a unit word.
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty")
_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
for _tens in _TENS:
    for _unit in _UNITS:
        NUMBER_WORDS[f"{_tens}-{_unit}"] = NUMBER_WORDS[_tens] + NUMBER_WORDS[_unit]
        NUMBER_WORDS[f"{_tens} {_unit}"] = NUMBER_WORDS[_tens] + NUMBER_WORDS[_unit]

# A number as digits or words (longest words first so "twenty-one" wins over "twenty").
NUMBER = (
    r"(?:\d{1,4}|"
    + "|".join(
        re.escape(w) for w in sorted(NUMBER_WORDS, key=len, reverse=True) if w not in ("no",)
    )
    + r")"
)


def number_value(text: str) -> int | None:
    """12 for "12" or "twelve"; None for anything else."""
    text = text.strip().lower()
    if text.isdigit():
        return int(text)
    return NUMBER_WORDS.get(text)


MONTHS: dict[str, int] = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"

# Plan types and the words that state them. Order matters for "child in need" before "need".
PLAN_PATTERNS: dict[str, str] = {
    "child_protection": r"child[\s-]+protection|\bcp\b|\bcpp\b|protection\s+plan|s\.?\s?47",
    "child_in_need": r"child(?:ren)?\s+in\s+need|\bcin\b|\bs\.?\s?17\b",
    "early_help": r"early\s+help|\beh\b|\bearly\s+intervention",
    "looked_after": (
        r"looked[\s-]+after|\blac\b|\bcla\b|in\s+care\b|care\s+leavers?|children\s+in\s+care"
    ),
}

CP_CATEGORIES: dict[str, str] = {
    "neglect": r"neglect",
    "emotional abuse": r"emotional(?:\s+abuse|\s+harm)?",
    "physical abuse": r"physical(?:\s+abuse|\s+harm)?",
    "sexual abuse": r"sexual(?:\s+abuse|\s+harm)?",
}

# Words that cannot end a sentence: a point that ends with one was cut off.
DANGLING = words(
    """
    a an the of to for with and or but in on at by from into onto as than that which who
    whose is are was were be has have had their his her its our your my such
    including include includes between within without because whether if when while where
    nor after before during until despite towards via per
    """
)
# Those no finished point ends with: "... included in the", "... and", "... there is an".
CUT_OFF = words(
    """
    a an the and or but nor of their his her its our your my such including include includes
    whether because than is are was were has have had there which who whom whose where if
    despite towards via per until during
    """
)
# Those a continuation line most often completes ("important to / identify which ...").
STRONG_DANGLING = words(
    """
    a an the of to for with and or in on at by from into as than that which who is are was
    were be their including between within because whether
    """
)

# Verbs a recommendation starts with ("Ensure ...", "Always ...", "Use ...").
IMPERATIVE_VERBS = words(
    """
    always never ensure consider use include be make think remember check share record seek
    avoid don't do keep look ask speak talk listen refer escalate challenge follow complete
    attend review develop provide promote embed raise improve continue explore undertake
    establish agree remind refresh encourage support build create deliver identify increase
    introduce focus revisit update implement strengthen clarify capture plan train offer
    invite engage observe read recognise recognize reflect apply utilise utilize gather work
    audit request maintain evidence involve contact discuss monitor assess prioritise
    prioritize respond write record try take give set act access note learn obtain hold
    arrange progress
    """
)
# Words that, opening a point, make it a statement of what was found rather than an action.
FINDING_OPENERS = words(
    """
    lack little limited no poor some most many few inconsistent insufficient absence
    evidence there it this these audits audit the children child parents parent voice
    """
)


def key(text: str) -> str:
    """Lower case, apostrophes kept, everything else that is not a letter or digit a space."""
    text = text.replace("’", "'").replace("‘", "'")
    return " ".join(re.sub(r"[^a-z0-9']+", " ", text.lower()).split())


_HEADING_LOOKUP: dict[str, str] = {}
for _section, _phrases in HEADINGS.items():
    for _phrase in _phrases:
        _HEADING_LOOKUP.setdefault(key(_phrase), _section)
# "what we found" is a sub-heading of a theme, "findings" too; "what did we find" both. The
# sub-heading reading wins: the walker treats a found sub-heading outside a learning block as
# the start of one.
for _phrase in HEADINGS[FOUND]:
    _HEADING_LOOKUP[key(_phrase)] = FOUND
for _phrase in HEADINGS[ACTIONS]:
    _HEADING_LOOKUP[key(_phrase)] = ACTIONS


def heading_section(text: str) -> str | None:
    """The section a heading names, or None: "What Good Practice did we see?" -> good_practice."""
    return _HEADING_LOOKUP.get(key(text))


def heading_phrases() -> list[tuple[str, str]]:
    """(normalised phrase, section), longest phrases first: for matching a heading's start."""
    return sorted(_HEADING_LOOKUP.items(), key=lambda item: len(item[0]), reverse=True)
