from django.urls import path

from . import staff_views

app_name = "cases"
urlpatterns = [
    path("", staff_views.case_list, name="list"),
    path("<int:pk>/", staff_views.case_detail, name="case"),
    path("<int:pk>/letter.docx", staff_views.case_letter, name="letter"),
]
