"""
Reader accounts: django-allauth's adapters and the sign-up form, the one place where
the site shapes signing in.

allauth does the signing in (site accounts with email and password, X through
OAuth 2.0 with PKCE, Facebook through its OAuth 2.0 redirect flow). Here:

- account mail leaves through one method, as a task row for the worker, from
  Newsroom to the person by the name the site shows (readers.identity);
- at login, how the reader signed in is remembered (readers.identity), with their
  picture copied from the provider to our own storage;
- a provider without keys shows a helpful page (DEBUG) or a 404, never a 500;
- every failure of a social sign-in ends on a page that leads back to the article;
- a provider's email address never signs anyone into an existing account, and is
  never kept on a new one (see "Account pre-hijacking" below);
- every absolute address allauth would build from the request's Host header (links
  in account mail, the provider's callback address) comes from SITE_URL instead.

The comment form's sign-in buttons and the draft they keep belong to the discussion
(comments.views, comments.drafts).
"""

import hashlib
import logging
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import (
    DefaultSocialAccountAdapter,
)
from allauth.socialaccount.adapter import (
    get_adapter as get_social_adapter,
)
from allauth.socialaccount.models import SocialAccount, SocialApp
from allauth.socialaccount.providers.base import AuthError
from allauth.socialaccount.providers.facebook.views import FacebookOAuth2Adapter
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.twitter_oauth2.views import (
    TwitterOAuth2Adapter,
)
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext, gettext_lazy

from articles.text import single_line
from comments import tasks
from comments.drafts import return_url
from readers.client_ip import client_ip
from readers.identity import (
    METHODS,
    SITE_ACCOUNT,
    TWITTER,
    ReaderIdentity,
    display_name,
    method_of,
    provider_not_configured,
    remember_identity,
)
from readers.tokens import absolute

log = logging.getLogger(__name__)

AVATAR_MAX_BYTES = 1024 * 1024
# Image types by their first bytes: what a provider's picture may be. Anything else
# (SVG, HTML…) is never stored, since our own origin would serve it.
AVATAR_SIGNATURES = {
    b"\xff\xd8\xff": "jpg",
    b"\x89PNG\r\n\x1a\n": "png",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
}


def identity_from_social_login(sociallogin) -> ReaderIdentity:
    account = sociallogin.account
    data = account.extra_data or {}
    if account.provider == TWITTER.id:
        handle = data.get("username")
        label = f"@{handle} (X id {account.uid})" if handle else f"X id {account.uid}"
        picture = data.get("profile_image_url") or ""
    else:
        name = single_line(data.get("name") or "") or "Facebook user"
        label = f"{name} (Facebook id {account.uid})"
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


def email_has_account(email: str) -> bool:
    """Whether any account has this address, whatever its case, verified or not."""
    return (
        EmailAddress.objects.filter(email__iexact=email).exists()
        or get_user_model().objects.filter(email__iexact=email).exists()
    )


# --- Account pre-hijacking ----------------------------------------------------------
#
# The attack (Sudhodanan & Paverd, 2022): someone who can't read Victor's mail
# prepares an account holding his address, unconfirmed, with a way in of their own
# (here a Facebook or X login). Victor later signs up, is told the account exists,
# resets its password through his mailbox, confirms the address and uses the
# account, while the attacker's login still opens it. Three rules close it:
#
# 1. A new social account keeps no address its provider didn't vouch for
#    (`SocialAccountAdapter.save_user`): Facebook's arrive unverified, so Victor's
#    sign-up makes his own account.
# 2. A password reset on an account with no confirmed address proves a mailbox
#    nobody had proved before: its social logins, connected by whoever made the
#    account, are disconnected (`disconnect_unproven_social_logins`). The new
#    password also ends every session of the account.
# 3. On an account with social logins and no confirmed address, an address is
#    confirmed only by someone signed in to it (`AccountAdapter.confirm_email`), so
#    a stranger's click can't confirm it for the attacker's login to keep.
#
# Rules 2 and 3 also cover accounts made before rule 1, and an address the
# attacker adds on the account page.


def has_confirmed_address(user) -> bool:
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def disconnect_unproven_social_logins(sender, request, user, **kwargs) -> None:
    """
    Rule 2 above. allauth tells of a finished password reset only by its
    `password_reset` signal (connected in apps.py).
    """
    if has_confirmed_address(user):
        return  # the account's owner had proved a mailbox before: nothing new
    accounts = SocialAccount.objects.filter(user=user)
    providers = set(accounts.values_list("provider", flat=True))
    if not providers:
        return
    accounts.delete()
    names = sorted(method_of(provider).label for provider in providers)
    labels = " and ".join(names)
    methods = names[0]
    for name in names[1:]:
        methods = gettext("%(first)s and %(second)s") % {
            "first": methods,
            "second": name,
        }
    log.warning(
        "Password reset on account %s with no confirmed address: disconnected %s",
        user.pk,
        labels,
    )
    messages.warning(
        request,
        gettext(
            "The %(methods)s sign-in of this account was disconnected, because its "
            "email address had never been confirmed. If it was yours, connect it "
            "again under “Connected accounts” once you are signed in."
        )
        % {"methods": methods},
    )


# --- Addresses: from SITE_URL, never from the request's Host header ---------------
#
# Django checks the Host header against ALLOWED_HOSTS but ignores its port, and the
# client chooses it: an address built from it could send a reset link to another
# port or host, or a reader back from X to an address nobody registered.


@dataclass(frozen=True)
class Site:
    """`current_site` in allauth's mail: the site's name, and its host from SITE_URL."""

    domain: str
    name: str


def mail_site() -> Site:
    return Site(domain=urlsplit(settings.SITE_URL).netloc, name="Newsroom")


class SiteCallback:
    """
    A provider's OAuth 2.0 steps with the callback address (the `redirect_uri`)
    from SITE_URL: it must be the one registered with X or Facebook.
    """

    provider_id: str

    def get_callback_url(self, request, app) -> str:
        return absolute(reverse(f"{self.provider_id}_callback"))


class SiteFacebookOAuth2Adapter(SiteCallback, FacebookOAuth2Adapter):
    pass


class SiteTwitterOAuth2Adapter(SiteCallback, TwitterOAuth2Adapter):
    pass


OAUTH2_ADAPTERS = {
    adapter.provider_id: adapter
    for adapter in (SiteFacebookOAuth2Adapter, SiteTwitterOAuth2Adapter)
}


def callback_urlpatterns() -> list:
    """
    allauth's callback views with the adapters above, listed before allauth's own
    URLs: the code is exchanged with the same callback address the reader was sent
    off with (the provider compares them).
    """
    return [
        path(
            f"accounts/{provider_id}/login/callback/",
            OAuth2CallbackView.adapter_view(adapter),
            name=f"{provider_id}_callback",
        )
        for provider_id, adapter in OAUTH2_ADAPTERS.items()
    ]


# --- allauth's adapters -----------------------------------------------------------


class SignupForm(forms.Form):
    """The extra field of a site account: the name shown with the reader's comments."""

    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=150,
        help_text=gettext_lazy("Shown with your comments."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["name", "email", "password1", "password2"]

    def clean_name(self) -> str:
        """One line of visible text (articles.text), as every name on the site."""
        name = single_line(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(
                self.fields["name"].error_messages["required"], code="required"
            )
        return name

    def signup(self, request, user) -> None:
        user.first_name = self.cleaned_data["name"]
        user.save(update_fields=["first_name"])


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        """
        The address allauth's rate limits count by (the site's sign-in and the
        admin's, newsroom.admin_login): the one the comments' limits and bans use.
        allauth's own reading of X-Forwarded-For fails the request when the header
        holds fewer entries than the proxies counted.
        """
        address = client_ip(request)
        if not address:
            raise PermissionDenied("The client's address is unknown.")
        return address

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """
        Render allauth's message here; `deliver_mail()` sends it. It comes from
        Newsroom, whose every link comes from SITE_URL (allauth would take them
        from the Host header of the request that asked for the mail), and greets
        the account's owner by the name the site shows (`name`): a mail about no
        account (a stranger's address) greets nobody.
        """
        user = context.get("user")
        ctx = {
            "request": self.request,
            "email": email,
            "current_site": mail_site(),
            "site_url": absolute("/"),
            "name": display_name(user) if user is not None else "",
        } | context
        if "signup_url" in ctx:  # the "unknown account" mail has no hook for it
            ctx["signup_url"] = absolute(reverse("account_signup"))
        self.deliver_mail(self.render_mail(template_prefix, email, ctx))

    def get_reset_password_from_key_url(self, key: str) -> str:
        # As allauth builds it: the opaque key fills "<uidb36>-<key>".
        path = reverse(
            "account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"}
        )
        return absolute(path.replace("UID-KEY", quote(key)))

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return absolute(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def send_account_already_exists_mail(self, email: str) -> None:
        self.send_mail(
            "account/email/account_already_exists",
            email,
            {
                "signup_url": absolute(reverse("account_signup")),
                "password_reset_url": absolute(reverse("account_reset_password")),
            },
        )

    def deliver_mail(self, message) -> None:
        """
        The one way out for account mail: through the task worker, like every
        other mail, so a slow or absent mail server never breaks signing up. The
        mail row and its task commit with whatever asked for the mail; the task
        holds only the row's id, and the row forgets the text, with its reset or
        confirmation link, once sent (comments.tasks.deliver).
        """
        html = next(
            (
                body
                for body, kind in getattr(message, "alternatives", [])
                if kind == "text/html"
            ),
            "",
        )
        tasks.send_message(
            message.subject,
            message.body,
            list(message.to),
            html,
            dict(message.extra_headers),
            kind="account",
        )

    def confirm_email(self, request, email_address) -> bool:
        """
        An address on an account that signs in with X or Facebook and has no
        confirmed address yet is confirmed only by someone signed in to that
        account (rule 3 under "Account pre-hijacking"). Anyone else gets a page
        saying so, and nothing changes.
        """
        user = email_address.user
        if (
            request.user.pk != user.pk
            and not has_confirmed_address(user)
            and SocialAccount.objects.filter(user=user).exists()
        ):
            raise ImmediateHttpResponse(
                render(
                    request,
                    "account/email_confirm_signed_in_only.html",
                    {
                        "email": email_address.email,
                        "login_url": reverse("account_login"),
                        "next": request.path,
                    },
                    status=403,
                )
            )
        return super().confirm_email(request, email_address)

    def post_login(self, request, user, **kwargs):
        """Remember how the reader signed in, copying their picture from a provider."""
        sociallogin = (kwargs.get("signal_kwargs") or {}).get("sociallogin")
        if sociallogin is not None:
            identity = identity_from_social_login(sociallogin)
        else:
            identity = ReaderIdentity(SITE_ACCOUNT.id, account=user.get_username())
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
                provider_not_configured(request, method, return_url(request))
            ) from None

    def get_provider(self, request, provider, client_id=None):
        """The provider, whose OAuth steps use our adapters (`OAUTH2_ADAPTERS`)."""
        instance = super().get_provider(request, provider, client_id=client_id)
        if instance.id in OAUTH2_ADAPTERS:
            instance.oauth2_adapter_class = OAUTH2_ADAPTERS[instance.id]
        return instance

    def save_user(self, request, sociallogin, form=None):
        """
        A new social account keeps only the addresses its provider vouched for,
        which neither Facebook's nor X's are (rule 1 under "Account
        pre-hijacking"). Readers add and confirm an address on their account page.
        """
        sociallogin.email_addresses = [
            address for address in sociallogin.email_addresses if address.verified
        ]
        user = sociallogin.user
        if user.email.lower() not in {
            address.email.lower() for address in sociallogin.email_addresses
        }:
            user.email = ""
        return super().save_user(request, sociallogin, form)

    def populate_user(self, request, sociallogin, data):
        """The provider's name, on one line (articles.text), as every name."""
        user = super().populate_user(request, sociallogin, data)
        user.first_name = single_line(user.first_name)
        user.last_name = single_line(user.last_name)
        return user

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
                method = method_of(sociallogin.account.provider)
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
        method = method_of(getattr(provider, "id", ""))
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
