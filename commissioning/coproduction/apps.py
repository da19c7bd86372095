from django.apps import AppConfig


class CoproductionConfig(AppConfig):
    name = "commissioning.coproduction"
    label = "coproduction"
    verbose_name = "Co-production"
