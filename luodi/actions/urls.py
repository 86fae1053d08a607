from django.urls import path

from . import views

app_name = "actions"
urlpatterns = [
    path("", views.digest, name="digest"),
    path("items/", views.item_list, name="items"),
    path("items/new/", views.item_new, name="new"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/notice.docx", views.item_notice, name="notice"),
]
