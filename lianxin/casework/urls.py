from django.urls import path

from . import views

urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/figures/", views.figures, name="case_figures"),
    path("cases/derive/", views.derive_many, name="case_derive_many"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/actions/<str:action>/", views.case_action, name="case_action"),
    path("cases/<int:pk>/contact/", views.reveal_contact, name="case_reveal_contact"),
    path(
        "cases/<int:pk>/attachments/<int:attachment_id>/",
        views.attachment,
        name="case_attachment",
    ),
]
