"""Synthetic briefings for the import tests (written for them; no seed text)."""

from __future__ import annotations

import pytest

DAY = "The audit took place on 12 March 2024 and looked at 6 children with a child protection plan."
MONTH = "In March 2024 the partnership audited 6 children."
NO_DATE = "The partnership audited 6 children."


def briefing(theme: str = "Domestic Abuse", intro: str = DAY, extra: str = "") -> bytes:
    """2 worries, 2 good practice, one theme for learning with 1 found and 2 actions."""
    return f"""Riverside Safeguarding Children Partnership

Multi-Agency Case File Audit: {theme}
Learning Briefing

{intro}

What we are worried about
• Risk assessments were not shared between agencies
• Children's views were not recorded after incidents{extra}

What good practice did we see
• Schools referred promptly
• Police shared reports within a day

Themes for learning

Information sharing
• Agencies kept risk assessments to themselves
What needs to happen
• Share every completed risk assessment with the lead professional
• Record who it was shared with
""".encode()


@pytest.fixture
def no_suggester(settings):
    """Points are saved without themes (the suggester is tested on its own)."""
    settings.IMPORT_SUGGEST_THEMES = False
