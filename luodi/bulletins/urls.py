from django.urls import path

from . import views

app_name = "bulletins"
urlpatterns = [
    path("", views.bulletin_list, name="list"),
    path("preview/", views.bulletin_preview, name="preview"),
    path("trace/", views.bulletin_trace, name="trace"),
    path("save/", views.bulletin_save, name="save"),
    path("<int:pk>/download/", views.bulletin_download, name="download"),
    path("<int:pk>/publish/", views.bulletin_publish_view, name="publish"),
]

public_patterns = (
    [
        path("", views.public_list, name="list"),
        path("<int:pk>/", views.public_detail, name="detail"),
        path("<int:pk>/download/", views.public_download, name="download"),
    ],
    "public",
)
