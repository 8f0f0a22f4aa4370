from __future__ import annotations

import csv
import io

import pytest

from maqa.core.exports import csv_response, csv_text, neutralise


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+44 117", "-2+3", "@SUM(A1:A2)", "\t=cmd", "\r=cmd", '=HYPERLINK("http://x","y")'],
)
def test_a_cell_a_spreadsheet_could_read_as_a_formula_is_quoted(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Child A", "Police", "3 of 4", "", "a=b", "e-mail", "'quoted"])
def test_ordinary_text_passes_unchanged(text):
    assert neutralise(text) == text


def test_numbers_pass_unchanged_because_a_number_cannot_be_a_formula():
    assert neutralise(-3) == "-3"
    assert neutralise(2.5) == "2.5"
    assert neutralise(None) == ""
    assert neutralise(True) == "yes"


def test_every_cell_of_every_row_is_neutralised_and_csv_quoting_still_applies():
    text = csv_text([["=bad", 'say "hi", then go'], ["line\nbreak", "-5"]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["'=bad", 'say "hi", then go'], ["line\nbreak", "'-5"]]


def test_the_response_is_an_attachment_never_cached_and_read_as_utf8():
    response = csv_response(filename="audit-7-completion.csv", rows=[["Agency"], ["Café"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="audit-7-completion.csv"'
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(body))) == [["Agency"], ["Café"]]
