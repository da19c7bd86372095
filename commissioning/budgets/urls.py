"""Pages of the pooled budgets app (namespace `budgets`)."""
from django.urls import path, register_converter

from portal import periods

from .views import agreements, packages, settlement, setup, spend, virements


class YearConverter:
    regex = r"\d{4}-\d{2}"

    def to_python(self, value):
        periods.parse_year(value)  # ValueError: not a year the portal covers, so no match
        return value

    def to_url(self, value):
        return value


register_converter(YearConverter, "fy")

app_name = "budgets"
urlpatterns = [
    path("pooled-budgets/", agreements.agreement_list, name="agreement-list"),
    path("pooled-budgets/new/", setup.agreement_create, name="agreement-create"),
    path("pooled-budgets/<int:pk>/", agreements.agreement_detail, name="agreement-detail"),
    path("pooled-budgets/<int:pk>/schedules/new/", setup.schedule_create,
         name="schedule-create"),
    path("pooled-budgets/<int:pk>/position/", agreements.position, name="position"),
    path("pooled-budgets/<int:pk>/position.xlsx", agreements.position_xlsx,
         name="position-xlsx"),
    path("pooled-budgets/<int:pk>/position.csv", agreements.position_csv, name="position-csv"),
    path("pooled-budgets/<int:pk>/forecasts/<fy:year>/<int:quarter>/", agreements.forecasts,
         name="forecasts"),
    path("pooled-budgets/<int:pk>/commentary/<fy:year>/<int:quarter>/", agreements.commentary,
         name="commentary"),
    path("pooled-budgets/<int:pk>/quarters/<fy:year>/<int:quarter>/bcf.xlsx",
         agreements.position_bcf_xlsx, name="position-bcf-xlsx"),
    path("pooled-budgets/<int:pk>/quarters/<fy:year>/<int:quarter>/submit/",
         agreements.quarter_submit, name="quarter-submit"),
    path("pooled-budgets/<int:pk>/quarters/<fy:year>/<int:quarter>/confirm/",
         agreements.quarter_confirm, name="quarter-confirm"),
    path("pooled-budgets/<int:pk>/quarters/<fy:year>/<int:quarter>/return/",
         agreements.quarter_return, name="quarter-return"),
    path("pooled-budgets/<int:pk>/quarters/<fy:year>/<int:quarter>/reopen/",
         agreements.quarter_reopen, name="quarter-reopen"),
    path("pooled-budgets/<int:pk>/settlement/<fy:year>/", settlement.settlement,
         name="settlement"),
    path("pooled-budgets/<int:pk>/settlement/<fy:year>.pdf", settlement.settlement_pdf,
         name="settlement-pdf"),
    path("pooled-budgets/<int:pk>/settlement/<fy:year>.xlsx", settlement.settlement_xlsx,
         name="settlement-xlsx"),
    path("pooled-budgets/<int:pk>/settlement/<fy:year>/sign/",
         settlement.settlement_sign, name="settlement-sign"),
    path("pooled-budgets/<int:pk>/contributions/<fy:year>/", setup.contributions,
         name="contributions"),
    path("pooled-budgets/<int:pk>/contributions/<fy:year>/variations/new/",
         setup.variation_create, name="variation-create"),
    path("pooled-budgets/<int:pk>/risk-share/", setup.risk_rule, name="risk-rule"),
    path("pooled-budgets/<int:pk>/schedules/<int:schedule_pk>/risk-share/",
         setup.schedule_risk_rule, name="schedule-risk-rule"),
    path("pooled-budgets/<int:pk>/schedules/<int:schedule_pk>/risk-share/remove/",
         setup.schedule_risk_rule_clear, name="schedule-risk-rule-clear"),
    path("pooled-budgets/<int:pk>/virements/", virements.virement_list,
         name="virement-list"),
    path("pooled-budgets/<int:pk>/virements/new/", virements.virement_create,
         name="virement-create"),
    path("pooled-budgets/<int:pk>/virements/<int:virement_pk>/", virements.virement_detail,
         name="virement-detail"),
    path("pooled-budgets/<int:pk>/virements/<int:virement_pk>/approve/",
         virements.virement_approve, name="virement-approve"),
    path("pooled-budgets/<int:pk>/virements/<int:virement_pk>/reject/",
         virements.virement_reject, name="virement-reject"),
    path("pooled-budgets/<int:pk>/spend/", spend.spend_list, name="spend-list"),
    path("pooled-budgets/<int:pk>/spend/new/", spend.spend_create, name="spend-create"),
    path("pooled-budgets/<int:pk>/spend/import/", spend.spend_import, name="spend-import"),
    path("joint-packages/", packages.package_list, name="package-list"),
    path("joint-packages/new/", packages.package_create, name="package-create"),
    path("joint-packages/<int:pk>/", packages.package_detail, name="package-detail"),
    path("joint-packages/<int:pk>/split/", packages.package_split, name="package-split"),
    path("joint-packages/<int:pk>/access/", packages.package_grant, name="package-grant"),
]
