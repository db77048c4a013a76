"""
Text that must stay on one line and show what it says: people's names (guests',
site accounts', those from X and Facebook), article titles, mail subjects.

A line break in a mail subject makes Python's email package refuse the whole
message, so a name or a title holding one would stop every mail that quotes it.
Bidi overrides (U+202A–U+202E, U+2066–U+2069) make "\u202eEddie Editor" show
reversed, and zero-width characters (U+200B–U+200F, U+FEFF, U+2060) make two names
look alike. `single_line()` is the one cleaning for all of them: the comment form,
the display of a person's name and the mail worker use it here, and the site
(newsroom.accounts, newsroom.models) imports it.
"""

import re

# Line breaks, tabs and every other whitespace character but the plain space.
OTHER_WHITESPACE = re.compile(r"[^\S ]+")


def single_line(text: str) -> str:
    """
    The text on one line: each run of line breaks, tabs and other whitespace
    becomes one space; whatever else isn't printable (control and format
    characters, among them bidi overrides and zero-width characters) goes; so do
    spaces at either end.
    """
    text = OTHER_WHITESPACE.sub(" ", text)
    return "".join(ch for ch in text if ch.isprintable()).strip()
