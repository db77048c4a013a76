"""
Reader accounts: how readers sign in to comment, and what the site remembers of it.

django-allauth does the signing in (site accounts with email and password, X through
OAuth 2.0 with PKCE, Facebook through its OAuth 2.0 redirect flow). This module is the
one place where the site shapes it:

- `AccountAdapter` and `SocialAccountAdapter`, allauth's hooks: mail leaves through
  one overridable method; a provider without keys shows a helpful page (DEBUG) or a
  404, never a 500; every failure of a social sign-in ends on a page that leads back
  to the article; a provider's email address never signs anyone into an existing
  account.
- The reader's identity for this session (which way they signed in, their picture
  copied to our own storage at login, the account editors see), kept in the session
  so that showing it costs no query.
- `sign_in` and `sign_out`, the buttons of the "Leave a Reply" form. They receive the
  whole comment form, keep what the reader typed (the draft) in the session, and
  start allauth's flow with the article's form as the only place to come back to. So
  nothing typed is lost, with or without JavaScript.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import (
    DefaultSocialAccountAdapter,
)
from allauth.socialaccount.adapter import (
    get_adapter as get_social_adapter,
)
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base import AuthError, AuthProcess
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from newsroom.models import Article

# The longest comment the form takes (comments.models.BODY_MAX_LENGTH).
BODY_MAX_LENGTH = 65525

log = logging.getLogger(__name__)

IDENTITY_SESSION_KEY = "reader_identity"
DRAFT_SESSION_KEY = "comment_draft"
RETURN_SESSION_KEY = "sign_in_return_to"
AVATAR_MAX_BYTES = 1024 * 1024
# Image types by their first bytes: what a provider's picture may be. Anything else
# (SVG, HTML…) is never stored, since our own origin would serve it.
AVATAR_SIGNATURES = {
    b"\xff\xd8\xff": "jpg",
    b"\x89PNG\r\n\x1a\n": "png",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
}


@dataclass(frozen=True)
class SignInMethod:
    """A way to sign in, as the form's icons and the help pages present it."""

    id: str
    label: str
    icon: str
    env_vars: tuple[str, ...] = ()

    @property
    def is_social(self) -> bool:
        return bool(self.env_vars)

    @property
    def is_configured(self) -> bool:
        if not self.is_social:
            return True
        return bool(settings.SOCIALACCOUNT_PROVIDERS.get(self.id, {}).get("APPS"))

    @property
    def is_offered(self) -> bool:
        """Shown in the form: when it works, or in development to explain setup."""
        return self.is_configured or settings.DEBUG


SITE_ACCOUNT = SignInMethod("account", "Newsroom", "img/sign-in-newsroom.svg")
TWITTER = SignInMethod(
    "twitter_oauth2",
    "Twitter",
    "img/sign-in-twitter.svg",
    ("TWITTER_CLIENT_ID", "TWITTER_CLIENT_SECRET"),
)
FACEBOOK = SignInMethod(
    "facebook",
    "Facebook",
    "img/sign-in-facebook.svg",
    ("FACEBOOK_CLIENT_ID", "FACEBOOK_CLIENT_SECRET"),
)
METHODS = {method.id: method for method in (SITE_ACCOUNT, TWITTER, FACEBOOK)}


def offered_methods(exclude: str = "") -> list[SignInMethod]:
    return [m for m in METHODS.values() if m.is_offered and m.id != exclude]


# --- The reader's identity -------------------------------------------------------


@dataclass(frozen=True)
class ReaderIdentity:
    """How the signed-in reader appears: stored on their comments, shown in the form."""

    provider: str  # a SignInMethod id
    avatar: str = ""  # a file name in default_storage, or ""
    account: str = ""  # the account behind the comments, for editors

    @property
    def method(self) -> SignInMethod:
        return METHODS.get(self.provider, SITE_ACCOUNT)

    @property
    def avatar_url(self) -> str:
        return default_storage.url(self.avatar) if self.avatar else ""


def reader_identity(request) -> ReaderIdentity | None:
    """Who is commenting, from the session: no query."""
    if not request.user.is_authenticated:
        return None
    stored = request.session.get(IDENTITY_SESSION_KEY)
    if isinstance(stored, dict) and stored.get("provider") in METHODS:
        return ReaderIdentity(
            provider=stored["provider"],
            avatar=str(stored.get("avatar", "")),
            account=str(stored.get("account", "")),
        )
    # Signed in some other way (the admin's login page): their site account.
    return ReaderIdentity("account", account=request.user.get_username())


def remember_identity(request, identity: ReaderIdentity) -> None:
    request.session[IDENTITY_SESSION_KEY] = {
        "provider": identity.provider,
        "avatar": identity.avatar,
        "account": identity.account,
    }


def identity_from_social_login(sociallogin) -> ReaderIdentity:
    account = sociallogin.account
    data = account.extra_data or {}
    if account.provider == TWITTER.id:
        handle = data.get("username")
        label = f"@{handle} (X id {account.uid})" if handle else f"X id {account.uid}"
        picture = data.get("profile_image_url") or ""
    else:
        label = f"{data.get('name') or 'Facebook user'} (Facebook id {account.uid})"
        picture = ((data.get("picture") or {}).get("data") or {}).get("url") or ""
        if ((data.get("picture") or {}).get("data") or {}).get("is_silhouette"):
            picture = ""  # Facebook's grey placeholder: our initials look better
    return ReaderIdentity(
        provider=account.provider,
        avatar=copy_avatar(picture) if picture else "",
        account=label,
    )


def copy_avatar(url: str) -> str:
    """
    Copy a provider's picture to our own storage and return its name there.

    Readers' browsers then never ask X's or Facebook's servers for it (no tracking,
    no expiring signed URLs). The file is named by its content, so the same picture
    is stored once and a name, once written on a comment, never changes meaning.
    Any failure keeps the reader's initials instead: a picture is not worth a
    failed sign-in.
    """
    if not url.startswith(("https://", "http://")):
        return ""
    try:
        with get_social_adapter().get_requests_session() as session:
            response = session.get(url, stream=True)
            response.raise_for_status()
            content = b""
            for chunk in response.iter_content(64 * 1024):
                content += chunk
                if len(content) > AVATAR_MAX_BYTES:
                    break
    except Exception:
        log.warning("Could not copy the avatar at %s", url, exc_info=True)
        return ""
    extension = avatar_extension(content)
    if extension is None or len(content) > AVATAR_MAX_BYTES:
        log.warning("Not an avatar we keep: %s", url)
        return ""
    name = f"avatars/{hashlib.sha256(content).hexdigest()[:32]}.{extension}"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(content))
    return name


def avatar_extension(content: bytes) -> str | None:
    for signature, extension in AVATAR_SIGNATURES.items():
        if content.startswith(signature):
            return extension
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    return None


# --- The draft: what the reader typed before signing in ---------------------------


def stash_draft(request, article: Article) -> str:
    """
    Keep the comment being typed (from the posted form) for the return, and answer
    the address of the form to come back to (a reply stays a reply).
    """
    body = request.POST.get("body", "")[:BODY_MAX_LENGTH]
    if body.strip():
        request.session[DRAFT_SESSION_KEY] = {"article": article.pk, "body": body}
    parent = request.POST.get("parent", "")
    url = article_form_url(article, int(parent) if parent.isdigit() else None)
    request.session[RETURN_SESSION_KEY] = url
    return url


def take_draft(request, article_id: int) -> str:
    """The comment typed before signing in, once, on the article it was typed for."""
    draft = request.session.get(DRAFT_SESSION_KEY)
    if not isinstance(draft, dict) or draft.get("article") != article_id:
        return ""
    del request.session[DRAFT_SESSION_KEY]
    return str(draft.get("body", ""))


def article_form_url(article: Article, parent: int | None = None) -> str:
    query = f"?replytocom={parent}" if parent else ""
    return f"{article.get_absolute_url()}{query}#respond"


def return_url(request, state: dict | None = None) -> str:
    """Where a failed sign-in leads back to: the article, else the front page."""
    adapter = get_account_adapter(request)
    for candidate in (
        (state or {}).get("next"),
        request.session.get(RETURN_SESSION_KEY),
    ):
        if candidate and adapter.is_safe_url(candidate):
            return candidate
    return reverse("home")


# --- The form's buttons -----------------------------------------------------------


def published_article(article_id: int) -> Article:
    article = Article.objects.published().filter(pk=article_id).first()
    if article is None:
        raise Http404("No article at this address.")
    return article


@require_POST
def sign_in(request, article_id: int):
    """
    An icon of the "Leave a Reply" form: keep the draft, then sign in that way.

    A reader who is already signed in is changing accounts: they are signed out
    first, so the draft and the provider's state live in their new session.
    """
    article = published_article(article_id)
    method = METHODS.get(request.POST.get("provider", ""))
    if method is None:
        raise Http404("No such way to sign in.")
    if method.is_social and not method.is_configured:
        stash_draft(request, article)
        return provider_not_configured(request, method)
    if request.user.is_authenticated:
        get_account_adapter(request).logout(request)
    next_url = stash_draft(request, article)
    if not method.is_social:
        query = urlencode({"next": next_url})
        return HttpResponseRedirect(f"{reverse('account_login')}?{query}")
    provider = get_social_adapter(request).get_provider(request, method.id)
    return provider.redirect(request, process=AuthProcess.LOGIN, next_url=next_url)


@require_POST
def sign_out(request, article_id: int):
    """The form's Log Out: sign out, keep the draft, come back to the form."""
    article = published_article(article_id)
    if request.user.is_authenticated:
        get_account_adapter(request).logout(request)
        messages.success(request, "You have signed out.")
    return HttpResponseRedirect(stash_draft(request, article))


def provider_not_configured(request, method: SignInMethod):
    """
    A provider without keys. In development, a page saying how to set it up; in
    production its icon is hidden and any address of it is simply not found.
    """
    if not settings.DEBUG:
        return render(
            request,
            "socialaccount/not_available.html",
            {"method": method, "return_to": return_url(request)},
            status=404,
        )
    callback = request.build_absolute_uri(reverse(f"{method.id}_callback"))
    return render(
        request,
        "socialaccount/not_configured.html",
        {"method": method, "callback_url": callback, "return_to": return_url(request)},
        status=503,
    )


def email_has_account(email: str) -> bool:
    """Whether any account has this address, whatever its case, verified or not."""
    return (
        EmailAddress.objects.filter(email__iexact=email).exists()
        or get_user_model().objects.filter(email__iexact=email).exists()
    )


# --- allauth's adapters -----------------------------------------------------------


class SignupForm(forms.Form):
    """The extra field of a site account: the name shown with the reader's comments."""

    name = forms.CharField(
        label="Name",
        max_length=150,
        help_text="Shown with your comments.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["name", "email", "password1", "password2"]

    def signup(self, request, user) -> None:
        user.first_name = self.cleaned_data["name"].strip()
        user.save(update_fields=["first_name"])


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's message here; `deliver_mail()` sends it."""
        request = self.request
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
        } | context
        self.deliver_mail(self.render_mail(template_prefix, email, ctx))

    def deliver_mail(self, message) -> None:
        """
        The one way out for account mail: through the task worker, like every
        other mail, so a slow or absent mail server never breaks signing up. The
        task row commits with whatever asked for the mail.
        """
        from comments import tasks

        html = next(
            (
                body
                for body, kind in getattr(message, "alternatives", [])
                if kind == "text/html"
            ),
            "",
        )
        tasks.enqueue(
            tasks.send_email_message,
            message.subject,
            message.body,
            list(message.to),
            html,
            dict(message.extra_headers),
        )

    def post_login(self, request, user, **kwargs):
        """Remember how the reader signed in, copying their picture from a provider."""
        sociallogin = (kwargs.get("signal_kwargs") or {}).get("sociallogin")
        if sociallogin is not None:
            identity = identity_from_social_login(sociallogin)
        else:
            identity = ReaderIdentity("account", account=user.get_username())
        remember_identity(request, identity)
        return super().post_login(request, user, **kwargs)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_app(self, request, provider, client_id=None):
        """A provider without keys: a page that says so, instead of a 500."""
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            method = METHODS.get(provider)
            if request is None or method is None:
                raise
            raise ImmediateHttpResponse(
                provider_not_configured(request, method)
            ) from None

    def pre_social_login(self, request, sociallogin) -> None:
        """
        A new social login whose email address already has an account stops here.

        The provider's address is not proof (Facebook's arrive unverified), so it
        never signs anyone into that account; and creating a second account with the
        same address would confuse both. The reader is told to sign in to their
        account instead. Nothing has been saved yet.
        """
        if sociallogin.is_existing or sociallogin.state.get("process") == "connect":
            return
        for address in sociallogin.email_addresses:
            if email_has_account(address.email):
                method = METHODS.get(sociallogin.account.provider, SITE_ACCOUNT)
                raise ImmediateHttpResponse(
                    render(
                        request,
                        "socialaccount/email_taken.html",
                        {
                            "method": method,
                            "email": address.email,
                            "return_to": return_url(request, sociallogin.state),
                            "login_url": reverse("account_login"),
                        },
                        status=409,
                    )
                )

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        """Every failed social sign-in ends on one clear page, back to the article."""
        extra_context = extra_context or {}
        state = extra_context.get("state")
        method = METHODS.get(getattr(provider, "id", ""), SITE_ACCOUNT)
        if error == AuthError.CANCELLED:
            reason, status = "cancelled", 200
        elif exception is not None:
            reason, status = "provider", 502
            log.warning("Sign-in with %s failed: %r", method.label, exception)
        elif state is None:
            reason, status = "state", 400
        else:
            reason, status = "refused", 400
        raise ImmediateHttpResponse(
            render(
                request,
                "socialaccount/authentication_error.html",
                {
                    "method": method,
                    "reason": reason,
                    "return_to": return_url(request, state),
                },
                status=status,
            )
        )
