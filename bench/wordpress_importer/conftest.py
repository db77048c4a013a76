"""The test suite's own settings for this check (it lives outside tests/)."""

from tests.conftest import fast_password_hashing, site_url  # noqa: F401
