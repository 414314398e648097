from django.urls import path

from . import views

urlpatterns = [
    path("suggestions/", views.suggestion_list, name="suggestion_list"),
    path("suggestions/new/", views.suggestion_new, name="suggestion_new"),
    path("suggestions/similar/", views.similar_suggestions, name="suggestion_similar"),
    path("suggestions/assign/", views.assign_batch, name="suggestion_assign_batch"),
    path("suggestions/commitments/", views.commitment_list, name="suggestion_commitments"),
    path(
        "suggestions/commitments/<int:pk>/close/",
        views.commitment_close,
        name="suggestion_commitment_close",
    ),
    path("suggestions/report/", views.special_report, name="suggestion_report"),
    path("suggestions/<int:pk>/", views.suggestion_detail, name="suggestion_detail"),
    path("suggestions/<int:pk>/edit/", views.suggestion_edit, name="suggestion_edit"),
    path(
        "suggestions/<int:pk>/do/<str:action>/",
        views.suggestion_action,
        name="suggestion_action",
    ),
    path("motions/new/", views.motion_new, name="motion_new"),
    path("public/suggestions/", views.public_replies, name="suggestion_public"),
]
