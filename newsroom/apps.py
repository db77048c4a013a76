from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = _("Site")

    def ready(self):
        from allauth.account.signals import password_reset
        from django.core import checks

        from newsroom import accounts
        from newsroom.admin import hide_provider_setup
        from newsroom.interchange import jobs

        password_reset.connect(accounts.disconnect_unproven_social_logins)
        checks.register(jobs.private_folder, checks.Tags.security)
        # After the admin's autodiscovery (django.contrib.admin comes first).
        hide_provider_setup()
