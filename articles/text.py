"""
Text that must stay on one line and show what it says: people's names (guests',
site accounts', those from X and Facebook), article titles, mail subjects.

A line break in a mail subject makes Python's email package refuse the whole
message, so a name or a title holding one would stop every mail that quotes it.
Bidi overrides (U+202A–U+202E, U+2066–U+2069) make "\u202eEddie Editor" show
reversed, and characters drawn as nothing (zero-width spaces and joiners, the
combining grapheme joiner, Khmer's inherent vowels: Unicode's default-ignorable
code points) or as a gap that is no space (Braille's blank pattern, the Hangul
fillers) make two names look alike. `single_line()` is the one cleaning for all
of them: an article's title (articles.models), the comment form, the display of
a person's name, the mail worker and the site's accounts (newsroom.accounts).
It lives with the article, the lowest of the apps, so that each of them may
import it; readers.lookalikes compares names through the same two sets.

Unicode's properties come from the regex package (Python's unicodedata has no
Default_Ignorable_Code_Point), in its Unicode version.
"""

import re

import regex

# Line breaks, tabs and every other whitespace character but the plain space; and
# what fonts draw as a gap though Unicode calls it a symbol (U+2800 BRAILLE
# PATTERN BLANK) or a letter (the Hangul fillers, default-ignorable too).
OTHER_BLANKS = re.compile(r"(?:[^\S ]|[\u2800\u115f\u1160\u3164\uffa0])+")
# Drawn as nothing, or not drawn by a font that doesn't know them.
DEFAULT_IGNORABLE = regex.compile(r"\p{Default_Ignorable_Code_Point}+")
# What single_line() takes out of them: the variation selectors stay, as each only
# chooses how the character before it is drawn (an emoji in colour, a Mongolian
# letter's form); comparing names (readers.lookalikes) ignores them too.
INVISIBLE = regex.compile(
    r"[\p{Default_Ignorable_Code_Point}--\p{Variation_Selector}]+", regex.V1
)


def single_line(text: str) -> str:
    """
    The text on one line: each run of line breaks, tabs and other blanks becomes
    one space; characters drawn as nothing and whatever else isn't printable
    (control and format characters, among them bidi overrides) go; so do spaces
    at either end.
    """
    text = INVISIBLE.sub("", OTHER_BLANKS.sub(" ", text))
    return "".join(ch for ch in text if ch.isprintable()).strip()
