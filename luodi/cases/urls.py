from django.urls import path

from . import views

app_name = "public_cases"
urlpatterns = [
    path("new/", views.public_new, name="new"),
    path("status/", views.public_status, name="status"),
]
