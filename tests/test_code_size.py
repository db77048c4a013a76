"""The size rule `make lint` holds app code to (tests/code_size.py)."""

from django.conf import settings

from tests.code_size import too_long


def test_no_app_module_or_function_is_too_long():
    assert too_long(settings.BASE_DIR) == []


def test_the_check_catches_a_long_function_and_a_long_module(tmp_path):
    app = tmp_path / "desk"
    (app / "migrations").mkdir(parents=True)
    (app / "apps.py").write_text("")
    body = "    x = 1\n"
    (app / "fine.py").write_text("def fits():\n" + body * 59)
    (app / "views.py").write_text("@decorated\ndef too_long():\n" + body * 60)
    (app / "models.py").write_text("x = 1\n" * 601)
    # History is aside; a folder without apps.py is not an app.
    (app / "migrations" / "0001_initial.py").write_text("x = 1\n" * 700)
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "long.py").write_text("x = 1\n" * 700)

    assert too_long(tmp_path) == [
        "desk/models.py: 601 lines (at most 600)",
        "desk/views.py:2 too_long: 61 lines (at most 60)",
    ]
