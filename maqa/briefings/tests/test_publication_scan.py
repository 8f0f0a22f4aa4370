"""The identifier check reads the whole briefing for anything that could identify a child and says
where each thing is and what kind it is, never the thing itself.

Every identifier here is synthetic: the sample's names and case numbers are the tokens of
maqa.testing.audits, NHS numbers are in the 999 range (never issued) with a computed check digit,
phone numbers are Ofcom's numbers for drama, and postcodes are the format's documented examples.
"""

from __future__ import annotations

from datetime import date

import pytest

from maqa.audits.identifiers import (
    CASE_NUMBER,
    DATE_OF_BIRTH,
    EMAIL,
    NAME,
    NHS_NUMBER,
    PHONE,
    POSTCODE,
    STREET_ADDRESS,
    SampleIdentifiers,
    date_of_birth_patterns,
    nhs_number_valid,
    scan_texts,
)
from maqa.briefings.selectors import briefing_scan, record_texts
from maqa.briefings.types import BriefingRecord
from maqa.testing.audits import make_audit, synthetic_case_number, synthetic_name

NO_SAMPLE = SampleIdentifiers()


def nhs_number(first_nine: str) -> str:
    """Ten digits with a valid modulus 11 check digit."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(first_nine))
    check = (11 - total % 11) % 11
    assert check != 10, "no valid check digit for these nine digits"
    return first_nine + str(check)


VALID_NHS = nhs_number("999000001")  # 9990000018
INVALID_NHS = VALID_NHS[:9] + str((int(VALID_NHS[9]) + 1) % 10)


def kinds(text: str) -> set[str]:
    return {hit.kind for hit in scan_texts([("here", text)], NO_SAMPLE)}


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


# --- NHS numbers ------------------------------------------------------------------------------


def test_the_synthetic_nhs_numbers_check_digits_are_what_the_test_says():
    assert VALID_NHS == "9990000018"
    assert nhs_number_valid(VALID_NHS)
    assert not nhs_number_valid(INVALID_NHS)
    assert nhs_number_valid("9434765919")  # the NHS's own published example


@pytest.mark.parametrize(
    "written",
    [VALID_NHS, f"{VALID_NHS[:3]} {VALID_NHS[3:6]} {VALID_NHS[6:]}", "999-000-0018"],
)
def test_an_nhs_number_with_a_valid_check_digit_is_found_however_spaced(written):
    assert NHS_NUMBER in kinds(f"Seen under NHS number {written} at the clinic")


@pytest.mark.parametrize("written", [INVALID_NHS, "999 000 0017", "12345678901", "999 000 00181"])
def test_ten_digits_with_a_wrong_check_digit_or_more_digits_are_not_an_nhs_number(written):
    assert NHS_NUMBER not in kinds(f"Reference {written} was used")


def test_nine_digits_whose_check_digit_would_be_ten_are_never_valid():
    # 10 - 11 % 11 ... a sum leaving remainder 1 needs check digit 10: no NHS number ends so.
    first_nine = next(
        f"999{n:06d}"
        for n in range(1000)
        if sum(int(d) * (10 - i) for i, d in enumerate(f"999{n:06d}")) % 11 == 1
    )
    assert not any(nhs_number_valid(first_nine + str(d)) for d in range(10))


# --- postcodes, phone numbers, email addresses, street addresses ---------------------------------


@pytest.mark.parametrize("postcode", ["SW1A 1AA", "GIR 0AA", "M1 1AE", "m1 1ae", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A1BB"])  # fmt: skip
def test_uk_postcodes_are_found_in_any_case(postcode):
    assert POSTCODE in kinds(f"The family moved to {postcode} last year")


@pytest.mark.parametrize(
    "text",
    ["Year 9 pupils", "CP plan 2 in 2021", "A&E attendance", "Q1 1AA", "the 10 year pattern"],
)
def test_ordinary_text_is_not_a_postcode(text):
    assert POSTCODE not in kinds(text)


@pytest.mark.parametrize(
    "phone",
    [
        "01632 960123",
        "01632 960 123",
        "(01632) 960123",
        "020 7946 0018",
        "0300 790 0123",
        "07700 900123",
        "07700-900-123",
        "+44 7700 900123",
        "+44 (0)20 7946 0018",
        "+447700900123",
    ],
)
def test_uk_phone_numbers_are_found(phone):
    assert PHONE in kinds(f"Call {phone} after six")


@pytest.mark.parametrize(
    "text", ["14 month waiting list", "up to 5 plans in 2021", "0800 111 1111 helpline"]
)
def test_counts_years_and_freephone_numbers_are_not_phone_numbers(text):
    assert PHONE not in kinds(text)


def test_email_addresses_are_found():
    assert EMAIL in kinds("Emailed first.last+note@example.org about it")
    assert EMAIL not in kinds("Escalated @ the core group")


@pytest.mark.parametrize(
    "address",
    ["12 Acacia Avenue", "4a Mill Lane", "17 Old Station Rd", "3, Synthetic Close", "221 Tokenfamily St."],
)  # fmt: skip
def test_street_addresses_are_found(address):
    assert STREET_ADDRESS in kinds(f"The child lived at {address} with an uncle")


@pytest.mark.parametrize(
    "text",
    [
        "3 children went to court",
        "the Family Court made an order",
        "There were 2 Family Court hearings",
        "No evidence of use of DASH in 10 Year Plans",
        "2 ways of working",
    ],
)
def test_numbers_before_ordinary_words_are_not_street_addresses(text):
    assert STREET_ADDRESS not in kinds(text)


# --- the sample's own identifiers ------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    ["01/05/2019", "1/5/19", "01.05.2019", "2019-05-01", "1 May 2019", "1st May 2019", "1st of May, 2019", "May 1st, 2019", "1 may 19"],
)  # fmt: skip
def test_a_date_of_birth_is_found_in_any_common_written_form(written):
    patterns = date_of_birth_patterns(date(2019, 5, 1))
    assert any(p.search(f"born {written}.") for p in patterns)


@pytest.mark.parametrize("written", ["2 May 2019", "01/05/2020", "11/05/2019", "2019-05-011"])
def test_other_dates_are_not_the_date_of_birth(written):
    patterns = date_of_birth_patterns(date(2019, 5, 1))
    assert not any(p.search(f"seen {written}.") for p in patterns)


def record_with(worries: list[str]) -> BriefingRecord:
    return {"title": "Multi Agency Quality Assurance Audit: Synthetic", "worries": worries}


@pytest.fixture
def audit(personas):
    return make_audit(personas, state="reporting", children=2)


def test_the_samples_names_case_numbers_and_dates_of_birth_are_found_where_they_are(audit):
    record = record_with(
        [
            "Nothing identifying here",
            f"{synthetic_name(1).split()[0].lower()} was seen",
            f"Case {synthetic_case_number(0).replace('-', ' ')} was closed",
            "Born 1st May 2019, the youngest",
            "Tokenfamily00x is not a name of the sample",
        ]
    )
    hits = briefing_scan(audit, record)
    assert [(h.where, h.kind) for h in hits] == [
        ("What we are worried about, point 2", NAME),
        ("What we are worried about, point 3", CASE_NUMBER),
        ("What we are worried about, point 4", DATE_OF_BIRTH),
    ]


def test_each_hit_says_where_and_what_kind_and_masks_the_thing_found(audit):
    text = (
        f"{synthetic_name(0)} (NHS {VALID_NHS[:3]} {VALID_NHS[3:6]} {VALID_NHS[6:]}) "
        "lives at 12 Acacia Avenue"
    )
    hits = briefing_scan(audit, record_with(["A first point", "A second", text]))
    assert {(h.where, h.kind) for h in hits} == {
        ("What we are worried about, point 3", NAME),
        ("What we are worried about, point 3", NHS_NUMBER),
        ("What we are worried about, point 3", STREET_ADDRESS),
    }
    for hit in hits:
        for secret in ("Synthname00", "Tokenfamily00", "000 0018", "Acacia"):
            assert secret not in hit.excerpt
    nhs_hit = next(h for h in hits if h.kind == NHS_NUMBER)
    assert "9•• ••• ••••" in nhs_hit.excerpt


def test_the_whole_briefing_is_read_with_each_place_named():
    record: BriefingRecord = {
        "title": "Multi Agency Quality Assurance Audit: Synthetic",
        "partnership": "Synthetic Partnership",
        "intro": "First paragraph.\n\nSecond paragraph.",
        "aim": "The aim",
        "organisations": ["Police"],
        "worries": ["w"],
        "good_practice": ["g"],
        "learning": [{"title": "t", "found": ["f"], "actions": ["a"]}],
        "resources": ["r"],
        "links": [{"title": "r", "url": "https://example.org/r"}],
    }
    places = [where for where, _ in record_texts(record, change_note="note")]
    assert places == [
        "The title",
        "The partnership's name",
        "The opening paragraphs, paragraph 1",
        "The opening paragraphs, paragraph 2",
        "The aim",
        "The organisations, item 1",
        "What we are worried about, point 1",
        "What good practice did we see, point 1",
        "Theme for learning 1, its title",
        "Theme for learning 1, what we found, point 1",
        "Theme for learning 1, what needs to happen, point 1",
        "Resources, item 1",
        "Resources, link 1, its address",
        "The change note",
    ]


def test_a_link_address_and_the_change_note_are_scanned_too(audit):
    record: BriefingRecord = {
        "title": "Multi Agency Quality Assurance Audit: Synthetic",
        "links": [{"title": "Contact", "url": "mailto:duty.team@example.org"}],
    }
    hits = briefing_scan(audit, record, change_note="Removed 07700 900123")
    assert [(h.where, h.kind) for h in hits] == [
        ("Resources, link 1, its address", EMAIL),
        ("The change note", PHONE),
    ]
