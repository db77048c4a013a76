"""Create a staff account in the "Editors" group, asking for its password."""

import getpass

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


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
        User = get_user_model()
        username = username or input("Username: ").strip()
        email = email or input("Email: ").strip()
        if name is None:
            name = input("Name readers see on your replies (e.g. Dana Li): ").strip()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        try:
            team = Group.objects.get(name=group)
        except Group.DoesNotExist:
            raise CommandError(f"There is no group named {group!r}.") from None
        # The whole name in first_name: get_full_name() gives it back as typed.
        user = User(username=username, email=email, first_name=name, is_staff=True)
        while True:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The passwords don't match; try again.")
                continue
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                self.stderr.write(" ".join(error.messages))
                continue
            break
        user.set_password(password)
        user.save()
        user.groups.add(team)
        self.stdout.write(
            f"{username} can now sign in at /admin/ as one of the {group}."
        )
