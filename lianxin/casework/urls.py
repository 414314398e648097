from django.urls import path

from . import hot_views, views

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search/export.xlsx", views.search_export, name="search_export"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/export.xlsx", views.case_export, name="case_export"),
    path("cases/filters/", views.save_filter, name="case_filter_save"),
    path("cases/filters/<int:pk>/delete/", views.delete_filter, name="case_filter_delete"),
    path("cases/batch/<str:action>/", views.case_batch, name="case_batch"),
    path("cases/figures/", views.figures, name="case_figures"),
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("cases/hot/", hot_views.hot_list, name="hot_issues"),
    path("cases/hot/<int:pk>/", hot_views.hot_detail, name="hot_issue"),
    path("cases/hot/<int:pk>/suggest/", hot_views.hot_suggest, name="hot_issue_suggest"),
    path("cases/derive/", views.derive_many, name="case_derive_many"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/actions/<str:action>/", views.case_action, name="case_action"),
    path("cases/<int:pk>/letter.pdf", views.assignment_letter, name="case_assignment_letter"),
    path(
        "cases/<int:pk>/referral.pdf",
        views.assignment_letter,
        {"form": "referral"},
        name="case_referral_letter",
    ),
    path("cases/<int:pk>/reply-check/", views.reply_check, name="case_reply_check"),
    path("cases/<int:pk>/contact/", views.reveal_contact, name="case_reveal_contact"),
    path("cases/<int:pk>/follow/", views.follow_case, name="case_follow"),
    path(
        "cases/<int:pk>/attachments/<int:attachment_id>/",
        views.attachment,
        name="case_attachment",
    ),
]
