from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """
    The moderators' desk: the queue and its views, the author panel, bans and
    rejection reasons as editors set them, the moderation log, the dashboard.
    It works on the discussion's models (comments); the discussion knows nothing
    of it, so a site could moderate its comments another way.
    """

    name = "desk"
    verbose_name = _("Moderators' desk")
