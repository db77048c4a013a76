"""
Names that look alike: a guest signing "Εddie Editor" with a Greek capital
Epsilon, or "Еddie" with a Cyrillic one, to pass for the staff member Eddie Editor.

Unicode's table of confusable characters (UTS #39, confusables.txt) maps each
character that can be mistaken for another to a prototype: "Ε" and "Е" to "E",
"а" to "a", "0" to "O", "I" and "1" to "l", "m" to "rn". A string's *skeleton*
replaces each character by its prototype; two strings that look alike have the
same skeleton. A name's appearance (below) also applies NFKC first (fullwidth and
mathematical letters, ligatures), drops every character drawn as nothing (format
characters and all of Unicode's default-ignorable code points: zero-width spaces
and joiners, direction marks, the combining grapheme joiner, Khmer's inherent
vowels, variation selectors) and every blank (spaces of any width, Braille's blank
pattern, the Hangul fillers: a font may draw each as a gap of any width, or as
nothing), and ignores case, since none of these make a name look like someone
else's either: "Eddie\u2800Editor", "Ed\u034fdie Editor" and "EddieEditor" all
look like Eddie Editor.

The table comes from the confusable-homoglyphs package (also used by
django-registration against look-alike usernames), which keeps it as pairs in both
directions. Every set of look-alikes in it is one prototype joined to the
characters mapped to it, so the prototype is the member with more than one
partner; in a set of two, the sequence of several characters if there is one,
else the lower code point (any fixed choice gives the same equality).
"""

import functools
import unicodedata
from collections import defaultdict

from articles.text import DEFAULT_IGNORABLE, OTHER_BLANKS

# The package writes right-to-left characters between direction marks.
_DIRECTION_MARKS = str.maketrans("", "", "\u200e\u200f")


@functools.cache
def _prototypes() -> dict[str, str]:
    """Each confusable character → its prototype (one or more characters)."""
    from confusable_homoglyphs.confusables import confusables_data

    partners: dict[str, set[str]] = defaultdict(set)
    for char, homoglyphs in confusables_data.items():
        char = char.translate(_DIRECTION_MARKS)
        for homoglyph in homoglyphs:
            other = homoglyph["c"].translate(_DIRECTION_MARKS)
            if other and other != char:
                partners[char].add(other)
                partners[other].add(char)
    prototypes = {}
    for char, others in partners.items():
        if len(char) != 1 or len(others) != 1:
            continue  # a prototype: sequences and characters with many partners
        (other,) = others
        if len(partners[other]) > 1 or len(other) > 1 or other < char:
            prototypes[char] = other
    return prototypes


def skeleton(text: str) -> str:
    """UTS #39's skeleton: each character replaced by its prototype, in NFD."""
    prototypes = _prototypes()
    text = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFD", "".join(prototypes.get(char, char) for char in text)
    )


@functools.lru_cache(maxsize=1024)
def appearance(name: str) -> tuple[str, str]:
    """
    How a name looks, as two strings that are equal for names that look alike: its
    skeleton case-folded ("Εddie" with a Greek Epsilon, "eddie"), and the skeleton
    of its capitals ("EDDIE": the prototype of "I" is "l", so "EDDIE" and "Eddie"
    only meet in capitals). Blanks and invisible characters don't count.
    """
    text = _visible(unicodedata.normalize("NFKC", name))
    return _visible(skeleton(text).casefold()), _visible(skeleton(text.upper()))


def _visible(text: str) -> str:
    """The text without its blanks and the characters drawn as nothing."""
    text = DEFAULT_IGNORABLE.sub("", OTHER_BLANKS.sub("", text)).replace(" ", "")
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def looks_like_any(name: str, others) -> bool:
    """Whether `name` looks like one of `others` (names, not skeletons)."""
    own = appearance(name)
    if not own[0]:
        return False
    return any(
        mine == theirs
        for other in others
        for mine, theirs in zip(own, appearance(other), strict=True)
    )
