from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "commissioning.budgets"
    label = "budgets"
    verbose_name = "Section 75 pooled and aligned budgets"
