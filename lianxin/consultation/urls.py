from django.urls import path

from . import views

urlpatterns = [
    path("consultations/", views.consultation_list, name="consultation_list"),
    path("consultations/new/", views.consultation_create, name="consultation_create"),
    path(
        "consultations/<int:consultation_id>/",
        views.consultation_detail,
        name="consultation_detail",
    ),
    path(
        "consultations/<int:consultation_id>/summary.xlsx",
        views.summary_xlsx,
        name="consultation_summary_xlsx",
    ),
    path(
        "consultations/<int:consultation_id>/summary.pdf",
        views.summary_pdf,
        name="consultation_summary_pdf",
    ),
    path(
        "consultations/opinions/<int:opinion_id>/decide/",
        views.opinion_decide,
        name="consultation_opinion_decide",
    ),
    path(
        "consultations/<int:consultation_id>/documents/<int:document_id>",
        views.document_download,
        name="consultation_document",
    ),
    path(
        "consultations/opinion-files/<int:file_id>",
        views.opinion_file_download,
        name="consultation_opinion_file",
    ),
    path("lc/<str:code>", views.scan, name="consultation_scan"),
]
