"""
What the comment form refuses, and what it says: one list, run through the
page's form (tests/test_post_comment.py) and through the API
(tests/test_api_posting.py), so the API refuses what the page refuses.
"""

# Fields that replace a good form's, and the message the reader is given.
BAD_INPUT = [
    ({"body": "   "}, "Please type your comment."),
    ({"email": "not-an-email"}, "Enter a valid email address."),
    ({"email": ""}, "Please fill in your email address."),
    ({"name": ""}, "Please fill in your name."),
    ({"name": "\u200b \u2066"}, "Please fill in your name."),
    ({"url": "javascript:alert(1)"}, "Enter a web address starting with http"),
    ({"url": "data:text/html,hi"}, "Enter a web address starting with http"),
    ({"body": "x" * 65526}, "Ensure this value has at most 65525 characters"),
    ({"name": "n" * 246}, "Ensure this value has at most 245 characters"),
    ({"email": "e" * 95 + "@x.com"}, "Ensure this value has at most 100 characters"),
    ({"url": "https://" + "w" * 200 + ".com"}, "Ensure this value has at most 200"),
    ({"body": "nul\x00byte"}, "Null characters are not allowed."),
]

# The robot checks: the same refusals, whatever sends the form.
ROBOTS = [
    ({"homepage": "http://spam"}, "looks automated"),
    ({"stamp": "forged:1:abc"}, "expired or was changed"),
]
