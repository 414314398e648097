from django.urls import path

from . import views

urlpatterns = [
    path("s/<str:code>", views.scan_to_speak, name="scan_to_speak"),
]
