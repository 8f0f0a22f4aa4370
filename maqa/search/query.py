"""What a person typed, read into words and "quoted phrases". Pure: no database.

Every word is reduced to letters and digits (``\\w``), so nothing typed reaches a full-text
engine as syntax: FTS5's ``"``, ``*``, ``:``, ``^``, ``-``, ``NEAR(``, ``AND``/``OR``/``NOT``,
and PostgreSQL's tsquery operators are all just text (or dropped). Each backend then quotes the
words and phrases itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_QUERY_CHARS = 300
MAX_TERMS = 12

_WORD = re.compile(r"\w+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]  # each at least two words

    @property
    def is_empty(self) -> bool:
        return not self.words and not self.phrases

    @property
    def all_words(self) -> tuple[str, ...]:
        return self.words + tuple(w for phrase in self.phrases for w in phrase)

    def text(self) -> str:
        """The query as plain text (for sentence embeddings)."""
        return " ".join(self.all_words)

    def fts5(self, *, any_word: bool = False, any_term: bool = False) -> str:
        """An FTS5 MATCH expression: every word and phrase (with any_word, any of the words,
        those of the phrases too; with any_term, any word or phrase), each a quoted string, so
        no input is read as an operator."""
        if any_word:
            return " OR ".join(f'"{w}"' for w in dict.fromkeys(self.all_words))
        parts = [f'"{w}"' for w in self.words]
        parts += ['"' + " ".join(p) + '"' for p in self.phrases]
        return (" OR " if any_term else " ").join(parts)


def _words(text: str) -> list[str]:
    # Underscores are word characters to \w but separators to the tokenisers.
    return [w for w in _WORD.findall(text.replace("_", " ")) if w]


def parse_query(raw: str) -> ParsedQuery:
    """Words and phrases, in the order typed, duplicates dropped; at most MAX_TERMS of them.
    An unmatched quote counts as a space."""
    text = (raw or "")[:MAX_QUERY_CHARS]
    phrases: list[tuple[str, ...]] = []
    words: list[str] = []
    last = 0
    for match in _PHRASE.finditer(text):
        words += _words(text[last : match.start()])
        inside = tuple(_words(match.group(1)))
        if len(inside) == 1:
            words += inside
        elif inside:
            phrases.append(inside)
        last = match.end()
    words += _words(text[last:])
    lowered = list(dict.fromkeys(w.lower() for w in words))
    unique_phrases = list(dict.fromkeys(tuple(w.lower() for w in p) for p in phrases))
    room = MAX_TERMS
    unique_phrases = unique_phrases[:room]
    room -= len(unique_phrases)
    return ParsedQuery(words=tuple(lowered[: max(room, 0)]), phrases=tuple(unique_phrases))
