"""Pages of the contracts app."""
from django.urls import path

from .views import contracts, monitoring, providers, register

app_name = "contracts"
urlpatterns = [
    path("contracts/", register.contract_list, name="contract-list"),
    path("contracts/new/", contracts.contract_create, name="contract-create"),
    path("contracts/ending/", monitoring.pipeline, name="pipeline"),
    path("contracts/performance/", monitoring.dashboard, name="dashboard"),
    path("contracts/<int:pk>/", contracts.contract_detail, name="contract-detail"),
    path("contracts/<int:pk>/edit/", contracts.contract_edit, name="contract-edit"),
    path("contracts/<int:pk>/kpis/new/", contracts.kpi_create, name="kpi-create"),
    path("contracts/<int:pk>/visits/new/", contracts.visit_create, name="visit-create"),
    path("contracts/<int:pk>/returns/", monitoring.returns_entry, name="returns-entry"),
    path("contracts/<int:pk>/assessments/new/", monitoring.assessment_create,
         name="assessment-create"),
    path("contracts/<int:pk>/review-intention/", monitoring.review_intention_create,
         name="review-intention-create"),
    path("contracts/kpis/<int:pk>/edit/", contracts.kpi_edit, name="kpi-edit"),
    path("contracts/returns/<int:pk>/correct/", monitoring.return_correct,
         name="return-correct"),
    path("contracts/assessments/<int:pk>/edit/", monitoring.assessment_edit,
         name="assessment-edit"),
    path("providers/", providers.provider_list, name="provider-list"),
    path("providers/new/", providers.provider_create, name="provider-create"),
    path("providers/<int:pk>/", providers.provider_detail, name="provider-detail"),
    path("providers/<int:pk>/edit/", providers.provider_edit, name="provider-edit"),
]
