from django.urls import path

from . import views

app_name = "extraction"
urlpatterns = [
    path("", views.reading_list, name="list"),
    path("<int:pk>/", views.reading_detail, name="reading"),
    path("proposals/<int:pk>/accept/", views.accept, name="accept"),
    path("proposals/<int:pk>/reject/", views.reject, name="reject"),
]
