from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from luodi.api.endpoints import api
from luodi.bulletins.urls import public_patterns
from luodi.core import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/tokens/", include("luodi.api.urls")),
    path("reports/", include("luodi.reporting.urls")),
    path("bulletins/", include("luodi.bulletins.urls")),
    path("readings/", include("luodi.extraction.urls")),
    path("actions/", include("luodi.actions.urls")),
    path("cases/", include("luodi.cases.staff_urls")),
    path("public/bulletins/", include(public_patterns)),
    path("public/cases/", include("luodi.cases.urls")),
    path("", include("luodi.dashboards.urls")),
]
