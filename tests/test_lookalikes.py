"""Names that look alike, by Unicode's confusables table (UTS #39), plain values."""

import sys

import pytest
import regex

from readers.lookalikes import looks_like_any, skeleton

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
    "name",
    ["Eddie Editorial", "Eddy Editor", "Éddie Editor", "", "   ", "\u2800\u3164"],
)
def test_names_that_do_not(name):
    assert not looks_like_any(name, STAFF)


def test_latin_letters_that_look_alike_share_a_skeleton():
    assert skeleton("Wil") == skeleton("WiI") == skeleton("Wi1")
    assert skeleton("modern") == skeleton("rnodern")
    assert skeleton("Ada Admin") == skeleton("\u0410d\u0430 Admin")  # Cyrillic A, a


def test_capitals_of_another_script_look_like_a_name_in_capitals():
    assert looks_like_any("\u0395DDIE EDITOR", STAFF)  # Greek Epsilon, capitals


def every(prop: str) -> list[str]:
    """Every code point with a Unicode property, as the regex package knows them."""
    pattern = regex.compile(rf"\p{{{prop}}}")
    return [chr(c) for c in range(sys.maxunicode + 1) if pattern.match(chr(c))]


def test_no_default_ignorable_character_hides_a_staff_members_name():
    """Drawn as nothing (UAX #44's Default_Ignorable_Code_Point), inside a word."""
    missed = [
        f"U+{ord(char):04X}"
        for char in every("Default_Ignorable_Code_Point")
        if not looks_like_any(f"Ed{char}die Edi{char}tor", STAFF)
    ]
    assert missed == []


def test_no_blank_between_the_words_hides_a_staff_members_name():
    """Spaces of every width, and what fonts draw as one (Braille's blank, the
    Hangul fillers), or as nothing."""
    blanks = [*every("White_Space"), *every("Default_Ignorable_Code_Point"), "\u2800"]
    missed = [
        f"U+{ord(char):04X}"
        for char in blanks
        if not looks_like_any(f"Eddie{char}Editor", STAFF)
        or not looks_like_any(f"Eddie {char}{char} Editor", STAFF)
    ]
    assert missed == []
