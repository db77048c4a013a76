"""
Create a staff account in the "Editors" group, asking for what isn't given.

Each answer is checked as it is typed, and asked again when it is wrong, as
`createsuperuser` does: a username that is free and valid, a valid email, a name
that isn't blank (an editor without one signs their replies "The editors"), a
password Django's validators accept. A value given as an option is checked the
same way and stops the command when it is wrong: there is nobody to ask.
"""

import getpass
from collections.abc import Callable
from typing import cast

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Field

from articles.text import single_line
from readers.identity import STAFF_NAME


class Command(BaseCommand):
    help = 'Create an editor: a staff account in the "Editors" group.'

    def add_arguments(self, parser):
        parser.add_argument("--username")
        parser.add_argument("--email")
        parser.add_argument(
            "--name", help="The name readers see on the editor's replies."
        )
        parser.add_argument(
            "--group",
            default="Editors",
            help='Group to join: "Editors" (default) or "Moderators".',
        )

    def handle(
        self, *args, username=None, email=None, name=None, group="Editors", **options
    ):
        try:
            team = Group.objects.get(name=group)
        except Group.DoesNotExist:
            raise CommandError(f"There is no group named {group!r}.") from None
        try:
            username = self.ask("Username: ", username, clean_username)
            email = self.ask("Email: ", email, clean_email)
            name = self.ask(
                "Name readers see on your replies (e.g. Dana Li): ", name, clean_name
            )
            # The whole name in first_name: get_full_name() gives it back as typed.
            user = get_user_model()(
                username=username, email=email, first_name=name, is_staff=True
            )
            user.set_password(self.ask_password(user))
        except KeyboardInterrupt:
            raise CommandError("Cancelled: no editor was created.") from None
        except EOFError:
            raise CommandError("No more answers: no editor was created.") from None
        user.save()
        user.groups.add(team)
        self.stdout.write(
            f"{username} can now sign in at /admin/ as one of the {group}."
        )

    def ask(self, prompt: str, given: str | None, clean: Callable[[str], str]) -> str:
        """The option's value if given, else the first answer that is right."""
        if given is not None:
            try:
                return clean(given)
            except ValidationError as error:
                message = f"{prompt.strip()} {' '.join(error.messages)}"
                raise CommandError(message) from None
        while True:
            try:
                return clean(input(prompt))
            except ValidationError as error:
                self.stderr.write(f"Error: {' '.join(error.messages)}")

    def ask_password(self, user) -> str:
        while True:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("Error: The passwords don't match; try again.")
                continue
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                self.stderr.write(f"Error: {' '.join(error.messages)}")
                continue
            return password


def clean_username(value: str) -> str:
    User = get_user_model()
    field = cast(Field, User._meta.get_field(User.USERNAME_FIELD))
    username = field.clean(value.strip(), None)
    if User._default_manager.filter(username=username).exists():
        raise ValidationError(f"A user named {username!r} already exists.")
    return username


def clean_email(value: str) -> str:
    """Required here (the field allows blank): it is how an editor resets a password."""
    email = value.strip()
    if not email:
        raise ValidationError("An editor needs an email address.")
    return get_user_model()._meta.get_field("email").clean(email, None)


def clean_name(value: str) -> str:
    """One line of visible text (articles.text), as every name on the site."""
    name = single_line(value)
    if not name:
        raise ValidationError(
            "Readers see this name on your replies; without one they are signed "
            f"{STAFF_NAME!r}."
        )
    return get_user_model()._meta.get_field("first_name").clean(name, None)
