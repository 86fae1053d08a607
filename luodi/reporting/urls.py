from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("<str:division_code>/<str:period_code>/", views.report_detail, name="report"),
    path(
        "<str:division_code>/<str:period_code>/template.xlsx",
        views.report_template_download,
        name="template",
    ),
]
