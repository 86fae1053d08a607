from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.status_view, name="status"),
    path("dashboard/", views.board_home, name="board_home"),
    path("dashboard/<str:code>/", views.board, name="board"),
    path("dashboard/<str:code>/data.json", views.board_data, name="board_data"),
    path("maps/<str:code>.json", views.map_file, name="map"),
]
