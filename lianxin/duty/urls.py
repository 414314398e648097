from django.urls import path

from . import report_views, views

urlpatterns = [
    path("duty/activities/", views.activity_list, name="duty_activity_list"),
    path("duty/activities/new/", views.activity_create, name="duty_activity_create"),
    path("duty/activities/<int:activity_id>/", views.activity_detail, name="duty_activity"),
    path("duty/activities/<int:activity_id>/edit/", views.activity_edit, name="duty_activity_edit"),
    path(
        "duty/activities/<int:activity_id>/cancel/",
        views.activity_cancel,
        name="duty_activity_cancel",
    ),
    path(
        "duty/activities/<int:activity_id>/decide/",
        views.activity_decide,
        name="duty_activity_decide",
    ),
    path(
        "duty/activities/<int:activity_id>/invite/",
        views.activity_invite,
        name="duty_activity_invite",
    ),
    path(
        "duty/activities/<int:activity_id>/materials/",
        views.material_upload,
        name="duty_material_upload",
    ),
    path(
        "duty/activities/<int:activity_id>/materials/<int:material_id>/",
        views.material_download,
        name="duty_material",
    ),
    path(
        "duty/activities/<int:activity_id>/sign-in-sheet.pdf",
        views.sign_in_sheet,
        name="duty_sign_in_sheet",
    ),
    path(
        "duty/activities/<int:activity_id>/invitations/<int:invitation_id>/sign-in/",
        views.invitation_sign_in,
        name="duty_list_sign_in",
    ),
    path(
        "duty/activities/<int:activity_id>/invitations/<int:invitation_id>/attendance/",
        views.invitation_attendance,
        name="duty_attendance",
    ),
    path("duty/invitations/", views.my_invitations, name="duty_my_invitations"),
    path("duty/invitations/<int:invitation_id>/", views.invitation_detail, name="duty_invitation"),
    path("duty/checkin/<str:code>/", views.checkin, name="duty_checkin"),
    path("duty/record/", views.my_record, name="duty_record"),
    path("duty/record/<int:deputy_id>/", views.seat_record, name="duty_seat_record"),
    path("duty/posts/", views.post_list, name="duty_post_list"),
    path("duty/posts/new/", views.post_create, name="duty_post_create"),
    path("duty/posts/<int:post_id>/", views.post_detail, name="duty_post"),
    path(
        "duty/posts/<int:post_id>/photos/<int:photo_id>/",
        views.post_photo,
        name="duty_post_photo",
    ),
    path("duty/scores/", views.scores, name="duty_scores"),
    path("duty/reports/", report_views.report_list, name="duty_report_list"),
    path("duty/reports/new/", report_views.report_create, name="duty_report_create"),
    path("duty/reports/<int:report_id>/", report_views.report_detail, name="duty_report"),
    path(
        "duty/reports/<int:report_id>/publish/",
        report_views.report_publish,
        name="duty_report_publish",
    ),
    path(
        "duty/reports/<int:report_id>/report.pdf", report_views.report_pdf, name="duty_report_pdf"
    ),
    path("duty/publication/", report_views.publication, name="duty_publication"),
    path("duty/stories/", report_views.story_list, name="duty_story_list"),
    path("duty/stories/new/", report_views.story_create, name="duty_story_create"),
    path("duty/stories/<int:story_id>/", report_views.story_detail, name="duty_story"),
    path("duty/typical-cases/", report_views.typical_list, name="duty_typical_list"),
    path(
        "duty/typical-cases/<int:typical_id>/",
        report_views.typical_detail,
        name="duty_typical_case",
    ),
]
