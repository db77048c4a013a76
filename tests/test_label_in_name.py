"""
A link the comment list names for screen readers ("Like Ada's comment") holds
its visible words ("Like") in every language, in the same order: speech users
say what they see (WCAG 2.5.3, axe-core's label-content-name-mismatch). The
English name of an editors' pick's link left its words out, and so did the
Arabic one of Like; a translation can break it again without a page changing,
so each pair is checked in each of the site's languages.
"""

import re

import pytest
from django.conf import settings
from django.utils import translation

from comments.rendering import words

# (the visible words, the name that must hold them), as words() keys them.
NAMED_LINKS = [
    ("like", "like whose"),
    ("reply", "reply to"),
    ("report", "report whose"),
    ("read", "read whose"),
]


def spoken(text: str) -> str:
    """The words of a text as axe-core compares them: lower case, no punctuation."""
    return " " + " ".join(re.findall(r"\w+", text.lower())) + " "


def test_the_check_sees_a_name_without_its_visible_words():
    assert spoken("Like") in spoken("Like Ada's comment")
    assert spoken("Read in the discussion") not in spoken(
        "Read Ada's comment in the discussion"
    )


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
@pytest.mark.parametrize(("visible", "name"), NAMED_LINKS)
def test_a_links_name_holds_its_visible_words(language, visible, name):
    with translation.override(language):
        said = words()
    filled = said[name] % {"name": "Ada", "whose": said["whose"] % {"name": "Ada"}}

    assert spoken(said[visible]) in spoken(filled), (language, said[visible], filled)
