from django.apps import AppConfig


class NeedsConfig(AppConfig):
    name = "needs"
    label = "needs"
    verbose_name = "Needs evidence (JSNA)"
