"""API of the contracts app, mounted under /api/v1/."""
from django.urls import path

from . import views

urlpatterns = [
    path("providers/", views.ProviderList.as_view(), name="api-provider-list"),
    path("contracts/", views.ContractList.as_view(), name="api-contract-list"),
    path("contracts/ocds/", views.OcdsExport.as_view(), name="api-contract-ocds"),
    path("contracts/<int:pk>/", views.ContractDetail.as_view(), name="api-contract-detail"),
    path("contracts/<int:pk>/kpi-returns/", views.KPIReturnList.as_view(),
         name="api-contract-kpi-returns"),
]
