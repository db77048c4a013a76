"""
The "Leave a Reply" form, and the report form.

Besides what a reader types, each form carries a signed stamp (which article, which
form, when it was shown). With it the form refuses forms posted faster than a
person can write and forms that were tampered with or expired, and gives the view
the form's token, by which the same form posted twice is recognised. A honeypot
field, hidden from people, catches robots that fill in every field. Both are
invisible to readers; their refusals are the form's errors. The comment form alone
may come without a stamp (the shared page without JavaScript): it is taken, and
moderation knows it came unchecked. A like waits for no time.
"""

import time
import uuid
from typing import Any

from django import forms
from django.core import signing
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from articles.text import single_line
from comments.models import (
    BODY_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    URL_MAX_LENGTH,
    Report,
)

STAMP_SALT = "comments.form-stamp"
STAMP_MAX_AGE = 60 * 60 * 24 * 2  # a tab left open over a weekend still works


def make_stamp(article_id: int) -> str:
    """A stamp with a new token, for a form shown now."""
    # The signer's timestamp counts whole seconds; "at" says to the millisecond
    # when the form was shown, for the minimum time to post.
    return signing.TimestampSigner(salt=STAMP_SALT).sign_object(
        {"article": article_id, "token": str(uuid.uuid4()), "at": round(time.time(), 3)}
    )


def read_stamp(stamp: str, article_id: int | None) -> tuple[uuid.UUID, float] | None:
    """
    The form's token and when it was shown; None when forged or expired, or when
    the form was not told its article (no stamp is for no article).
    """
    signer = signing.TimestampSigner(salt=STAMP_SALT)
    try:
        value = signer.unsign_object(stamp, max_age=STAMP_MAX_AGE)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(value, dict) or value.get("article") != article_id:
        return None
    shown_at = value.get("at")
    try:
        token = uuid.UUID(value["token"])
    except (KeyError, ValueError, TypeError):
        return None
    if not isinstance(shown_at, int | float):
        return None
    return token, shown_at


class WebAddressField(forms.URLField):
    """A URL field for web pages only: http and https, checked once."""

    default_validators = [URLValidator(schemes=["http", "https"])]


class RobotCheckedForm(forms.Form):
    """
    A form readers send and robots must not: a stamp of the article's form and a
    honeypot, checked in clean() with the time a person needs. The messages say
    what to do again.
    """

    # A form whose page always holds a stamp refuses one sent without: it was
    # changed on its way.
    stamp_required = True

    # Empty on the page every anonymous reader shares: its script fetches one
    # (comments.views.stamp) when the reader starts on the form, or a guest likes.
    stamp = forms.CharField(widget=forms.HiddenInput, required=False)
    # The honeypot: hidden from people by CSS and from screen readers by aria-hidden.
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    expired_message = _(
        "This form has expired or was changed. Please post your comment again."
    )
    automated_message = _(
        "Your comment looks automated and was not posted. "
        "Please leave the last field empty."
    )
    too_quick_message = _(
        "That was quick! Please read your comment once more and post it again."
    )

    def __init__(
        self, *args, article_id: int | None = None, min_seconds: float = 0, **kwargs
    ):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # A bound form checks its stamp against the article it is posted to.
        self.article_id = article_id
        self.min_seconds = min_seconds

    def error_summary(self) -> list[tuple[str, str]]:
        """
        The errors for the summary at the top of the page, as (the id of the field
        to link to, or "", the message): the form's own first, then each field's
        in the order of the page. A hidden field in error was changed on its way
        (only the page fills them in): it is told as the form having changed.
        """
        messages = [str(error) for error in self.non_field_errors()]
        changed = any(field.errors for field in self.hidden_fields())
        if changed and str(self.expired_message) not in messages:
            messages.insert(0, str(self.expired_message))
        summary = [("", message) for message in messages]
        for field in self.visible_fields():
            summary += [(field.id_for_label, str(error)) for error in field.errors]
        return summary

    def clean(self):
        """
        The robot checks, in order: a stamp of this article's form, an empty
        honeypot, and the time a person needs. The stamp's token, and when its
        form was shown, go with the cleaned data (None without a stamp, where the
        form may go without: no time can be counted then).
        """
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned  # the reader has fields to fix first
        cleaned["token"] = cleaned["shown_at"] = None
        if cleaned.get("stamp"):
            stamp = read_stamp(cleaned["stamp"], self.article_id)
            if stamp is None:
                raise forms.ValidationError(self.expired_message, code="stamp")
            cleaned["token"], cleaned["shown_at"] = stamp
        elif self.stamp_required:
            raise forms.ValidationError(self.expired_message, code="stamp")
        if cleaned.get("homepage"):
            raise forms.ValidationError(self.automated_message, code="honeypot")
        shown_at = cleaned["shown_at"]
        if shown_at is not None and time.time() - shown_at < self.min_seconds:
            raise forms.ValidationError(self.too_quick_message, code="too_quick")
        return cleaned


class CommentForm(RobotCheckedForm):
    # The page every anonymous reader shares holds no stamp, and without
    # JavaScript nothing fetches one: such a comment is taken, without the time
    # a person needs, and moderation holds it unless its author is known
    # (moderation.decide, "held: sent without the page's check").
    stamp_required = False

    body = forms.CharField(
        label=_("Comment"),
        max_length=BODY_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(
            attrs={"rows": 6, "placeholder": _("Enter your comment here...")}
        ),
        error_messages={"required": _("Please type your comment.")},
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=EMAIL_MAX_LENGTH,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    url = WebAddressField(
        label=_("Website"),
        max_length=URL_MAX_LENGTH,
        required=False,
        assume_scheme="https",
        error_messages={
            "invalid": _("Enter a web address starting with http:// or https://.")
        },
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    remember = forms.BooleanField(
        label=_(
            "Save my name, email, and website in this browser for the next time "
            "I comment."
        ),
        required=False,
    )
    # Notifications (comments/notifications.py): double opt-in by mail.
    notify_comments = forms.BooleanField(
        label=_("Notify me of new comments via email."), required=False
    )
    notify_posts = forms.BooleanField(
        label=_("Notify me of new posts via email."), required=False
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        guest: bool = True,
        require_name_email: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.guest = guest
        if guest:
            if require_name_email:
                self.fields["email"].label = _(
                    "Email (required) (Address never made public)"
                )
                self.fields["name"].label = _("Name (required)")
            else:
                self.fields["email"].label = _("Email (Address never made public)")
            self.fields["email"].required = require_name_email
            self.fields["name"].required = require_name_email
            self.fields["email"].error_messages["required"] = _(
                "Please fill in your email address."
            )
            self.fields["name"].error_messages["required"] = _(
                "Please fill in your name."
            )
        else:
            for name in ("email", "name", "url", "remember"):
                del self.fields[name]

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(_("Please type your comment."))
        return body

    def clean_email(self):
        # Email is an identity: the same address, whatever its case, is one guest.
        return self.cleaned_data.get("email", "").lower()

    def clean_name(self):
        # A name of nothing but blanks and invisible characters is no name.
        name = single_line(self.cleaned_data.get("name", ""))
        if not name and self.fields["name"].required:
            raise forms.ValidationError(
                self.fields["name"].error_messages["required"], code="required"
            )
        return name


class LikeForm(RobotCheckedForm):
    """
    A guest's like: nothing to type, the robot checks alone, and no time to wait
    (the view gives it no min_seconds): a reader who followed a link to a comment
    likes it at once, and a like is cheap to take back. What holds robots back is
    what a like costs them: a stamp is good for one like, a network likes a
    comment once and 100 comments in 10 minutes (comments.liking), and no other
    site can make a browser send one (readers.crossorigin).
    """

    expired_message = _("This page has expired. Please like the comment again.")
    automated_message = _("Your like looks automated and was not counted.")


class ReportForm(RobotCheckedForm):
    """A reader's report of a comment: why, and a note when the reason is "other"."""

    reason = forms.ChoiceField(
        label=_("What is wrong with this comment?"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose what is wrong with the comment.")},
    )
    note = forms.CharField(
        label=_("Anything a moderator should know (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    expired_message = _(
        "This form has expired or was changed. Please send your report again."
    )
    automated_message = _(
        "Your report looks automated and was not sent. "
        "Please leave the last field empty."
    )
    too_quick_message = _(
        "That was quick! Please read the comment once more and send your report again."
    )

    def clean_note(self):
        return self.cleaned_data.get("note", "").strip()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == Report.Reason.OTHER and not cleaned.get("note"):
            self.add_error("note", _("Please say what is wrong with the comment."))
        return cleaned


class EditForm(forms.Form):
    """An author's new text for their comment (comments.authoring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    body = forms.CharField(
        label=_("Your comment"),
        max_length=BODY_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Please type your comment, or delete it.")},
    )
