from django.urls import path

from . import views

urlpatterns = [
    path("bulletins/", views.bulletin_list, name="bulletin_list"),
    path("bulletins/new/", views.bulletin_create, name="bulletin_create"),
    path("bulletins/<int:bulletin_id>/", views.bulletin_detail, name="bulletin_detail"),
]
