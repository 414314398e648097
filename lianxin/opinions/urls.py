from django.urls import path

from . import views

urlpatterns = [
    path("s/<str:code>", views.scan_to_speak, name="scan_to_speak"),
    path("t/", views.track_lookup, name="opinion_track_lookup"),
    path("t/<str:code>", views.track, name="opinion_track"),
    path("t/<str:code>/evaluate", views.track_evaluate, name="opinion_track_evaluate"),
    path(
        "t/<str:code>/reply-<int:reply_id>.pdf",
        views.track_reply_letter,
        name="opinion_track_reply_letter",
    ),
    path("opinions/new/", views.intake, name="opinion_intake"),
    path("logs/", views.logs_page, name="opinion_logs"),
    path("logs/export/", views.logs_export, name="opinion_logs_export"),
]
