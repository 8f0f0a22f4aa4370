"""Matrix rows for the learning search (maqa/search/urls.py).

The search page opens for everyone signed in; what it finds depends on who they are (see
maqa/search/selectors.py and maqa/search/tests/test_search.py, which checks each persona's
results). Anonymous visitors are sent to sign in.
"""

from __future__ import annotations

from tests.permissions import Rule, signed_in

MATRIX_PART: dict[str, Rule] = {
    "search:search": Rule(allow=signed_in(200)),
}
