"""
`make editor` (manage.py createeditor) asks again for what is wrong, as
`createsuperuser` does: a taken username, an invalid email, a blank name (whose
replies would be signed "The editors"). Driven as a person at a keyboard drives
it: a process of its own, the answers typed on its input. Without a terminal,
getpass reads the passwords from the same input, as it would from a pipe.
"""

import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from newsroom.settings import BASE_DIR
from tests import factories
from tests.mailserver import worker_command

pytestmark = pytest.mark.slow  # a manage.py process per test

PASSWORD = "a-Long-passw0rd"
BLANK_NAME = (
    "Error: Readers see this name on your replies; without one they are signed "
    "'The editors'."
)


@pytest.fixture
def editors(transactional_db):
    return Group.objects.get_or_create(name="Editors")[0]


def createeditor(*answers: str, options: tuple[str, ...] = ()):
    """The command run with `answers` typed one per line, then nothing more."""
    _, environment = worker_command()
    return subprocess.run(
        [sys.executable, "manage.py", "createeditor", *options],
        cwd=BASE_DIR,
        env=environment,
        input="".join(f"{answer}\n" for answer in answers),
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,  # no terminal: getpass reads the input
    )


def test_an_invalid_email_and_a_blank_name_are_asked_for_again(editors):
    factories.make_user(username="eddie")

    run = createeditor(
        "eddie",  # taken
        "dana",
        "dana@",
        "dana@example",
        "dana@example.com",
        "",
        " \t ",
        "Dana Li",
        PASSWORD,
        PASSWORD,
    )

    assert run.returncode == 0, run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("Error: ")]
    assert errors == [
        "Error: A user named 'eddie' already exists.",
        "Error: Enter a valid email address.",
        "Error: Enter a valid email address.",
        BLANK_NAME,
        BLANK_NAME,
    ]
    dana = get_user_model().objects.get(username="dana")
    assert (dana.email, dana.get_full_name()) == ("dana@example.com", "Dana Li")
    assert dana.is_staff and list(dana.groups.all()) == [editors]
    assert dana.has_usable_password()


def test_answers_running_out_create_nobody(editors):
    run = createeditor("dana", "not an address")

    assert run.returncode == 1
    assert "Error: Enter a valid email address." in run.stderr
    assert "No more answers: no editor was created." in run.stderr
    assert not get_user_model().objects.filter(username="dana").exists()


@pytest.mark.parametrize(
    ("option", "error"),
    [
        ("--email=dana@", "Email: Enter a valid email address."),
        ("--name=\u202e ", "without one they are signed 'The editors'."),
        ("--username=", "Username: This field cannot be blank."),
    ],
)
def test_a_wrong_option_stops_the_command_with_nobody_to_ask(editors, option, error):
    with pytest.raises(CommandError, match=error.replace(".", r"\.")):
        call_command(
            "createeditor", "--username=dana", "--email=dana@example.com", option
        )

    assert not get_user_model().objects.filter(username="dana").exists()
