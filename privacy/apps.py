from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """
    What the discussion holds about a person, handed over or forgotten on
    request, and the comments' IP addresses cleared once they are old. It works
    on the discussion's models; the discussion knows nothing of it. The site's
    side of a request (who the person is, the log, the admin's tool and the
    reader's own pages) is newsroom.personal_data, which calls it.
    """

    name = "privacy"
