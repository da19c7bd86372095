"""URLs: pages mirror the API's nouns; the API lives under /api/v1/."""
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from agencies.urls import auth_urlpatterns

from . import health, views

APPS = ("agencies", "needs", "commissioning", "commissioning.budgets",
        "commissioning.contracts", "commissioning.coproduction", "governance")

api_v1 = [path("", include(f"{app}.api.urls")) for app in APPS]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    *auth_urlpatterns,
    path("", include("sso.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    *[path("", include(f"{app}.urls")) for app in APPS],
]

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
