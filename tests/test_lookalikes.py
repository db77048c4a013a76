"""Names that look alike, by Unicode's confusables table (UTS #39), plain values."""

import pytest

from comments.lookalikes import looks_like_any, skeleton

STAFF = ["Eddie Editor"]


@pytest.mark.parametrize(
    "name",
    [
        "Eddie Editor",
        "\u0395ddie Editor",  # Greek capital Epsilon
        "\u0415ddi\u0435 \u0415ditor",  # Cyrillic Ie, capital and small
        "EDDIE EDITOR",
        "eddie  editor ",
        "\uff25ddie Editor",  # fullwidth E
        "Ed\u200bdie Editor",  # a zero-width space inside
        "Eddie Edit\u043er",  # Cyrillic o
    ],
)
def test_names_that_look_like_a_staff_members(name):
    assert looks_like_any(name, STAFF)


@pytest.mark.parametrize(
    "name", ["Eddie Editorial", "Eddy Editor", "Éddie Editor", "", "   "]
)
def test_names_that_do_not(name):
    assert not looks_like_any(name, STAFF)


def test_latin_letters_that_look_alike_share_a_skeleton():
    assert skeleton("Wil") == skeleton("WiI") == skeleton("Wi1")
    assert skeleton("modern") == skeleton("rnodern")
    assert skeleton("Ada Admin") == skeleton("\u0410d\u0430 Admin")  # Cyrillic A, a


def test_capitals_of_another_script_look_like_a_name_in_capitals():
    assert looks_like_any("\u0395DDIE EDITOR", STAFF)  # Greek Epsilon, capitals
