from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Site"

    def ready(self):
        from allauth.account.signals import password_reset

        from newsroom import accounts
        from newsroom.admin import hide_provider_setup

        password_reset.connect(accounts.disconnect_unproven_social_logins)
        # After the admin's autodiscovery (django.contrib.admin comes first).
        hide_provider_setup()
