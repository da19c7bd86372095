from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = "Local areas and agencies"

    def ready(self):
        from . import signals  # noqa: F401  (token revocation, session timestamps)
