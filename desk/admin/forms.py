"""The forms of a comment's admin page: editing it, replying, banning its author."""

from typing import cast

from django import forms
from django.contrib.admin.helpers import ActionForm
from django.utils.translation import gettext_lazy as _

from comments.models import BODY_MAX_LENGTH, Ban, Comment, ModerationAction


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["body", "author_name", "author_url"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8, "cols": 80})}


class BodyForm(forms.ModelForm):
    """The queue's Edit box: the text alone."""

    class Meta:
        model = Comment
        fields = ["body"]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
    )


class BanForm(forms.Form):
    EXPIRY = [
        ("", _("Never (permanent)")),
        ("1", _("1 day")),
        ("7", _("7 days")),
        ("30", _("30 days")),
        ("365", _("1 year")),
    ]
    effect = forms.ChoiceField(
        label=_("What happens to their comments"),
        choices=[
            (Ban.Effect.SPAM, _("Ban: they go straight to spam")),
            (Ban.Effect.HOLD, _("Always pre-moderate: they are held for a moderator")),
        ],
        initial=Ban.Effect.SPAM,
        widget=forms.RadioSelect,
    )
    kind = forms.ChoiceField(label=_("Ban by"), widget=forms.RadioSelect)
    reason = forms.CharField(max_length=255, help_text=_("Only editors see it."))
    expires_in = forms.ChoiceField(label=_("Expires"), choices=EXPIRY, required=False)
    spam = forms.BooleanField(
        label=_("Also mark this comment as spam"), required=False, initial=True
    )

    def __init__(self, *args, comment: Comment, may_mark_spam: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_mark_spam:
            del self.fields["spam"]  # moderating the comment: change_comment
        kinds = []
        if comment.user_id:
            kinds.append(
                (Ban.Kind.ACCOUNT, _("Account: %(user)s") % {"user": comment.user})
            )
        if comment.author_email:
            kinds.append(
                (
                    Ban.Kind.EMAIL,
                    _("Email: %(email)s") % {"email": comment.author_email},
                )
            )
        if comment.ip_address:
            kinds.append(
                (
                    Ban.Kind.IP,
                    _("IP address: %(address)s") % {"address": comment.ip_address},
                )
            )
        kind = cast(forms.ChoiceField, self.fields["kind"])
        kind.choices = kinds
        if kinds:
            kind.initial = kinds[0][0]


class ReasonActionForm(ActionForm):
    """The queue's action bar, with why for "spam" and "remove" (optional)."""

    reason = forms.ChoiceField(
        label=_("Reason"),
        required=False,
        choices=[("", _("— no reason —")), *ModerationAction.Reason.choices],
        help_text=_("For spam and remove: kept in the history and counted."),
    )
