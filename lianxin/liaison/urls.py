from django.urls import path

from . import views

urlpatterns = [
    path("liaison/", views.grid, name="liaison_grid"),
    path("liaison/stations/", views.station_list, name="liaison_station_list"),
    path("liaison/stations/new/", views.station_create, name="liaison_station_create"),
    path("liaison/stations/<int:station_id>/", views.station_detail, name="liaison_station"),
    path(
        "liaison/stations/<int:station_id>/edit/", views.station_edit, name="liaison_station_edit"
    ),
    path(
        "liaison/stations/<int:station_id>/active/",
        views.station_toggle,
        name="liaison_station_toggle",
    ),
    path(
        "liaison/stations/<int:station_id>/points/new/",
        views.point_create,
        name="liaison_point_create",
    ),
    path("liaison/points/<int:point_id>/edit/", views.point_edit, name="liaison_point_edit"),
    path("liaison/points/<int:point_id>/delete/", views.point_delete, name="liaison_point_delete"),
    path("liaison/stations/<int:station_id>/deputies/", views.assign, name="liaison_assign"),
    path(
        "liaison/stations/<int:station_id>/deputies/<int:deputy_id>/remove/",
        views.unassign,
        name="liaison_unassign",
    ),
    path("liaison/unassigned/", views.unassigned, name="liaison_unassigned"),
    path(
        "liaison/stations/<int:station_id>/rules/new/",
        views.rule_create,
        name="liaison_rule_create",
    ),
    path("liaison/rules/<int:rule_id>/end/", views.rule_end, name="liaison_rule_end"),
    path(
        "liaison/stations/<int:station_id>/days/new/", views.day_create, name="liaison_day_create"
    ),
    path(
        "liaison/stations/<int:station_id>/days/cancel/",
        views.day_cancel,
        name="liaison_day_cancel",
    ),
    path("liaison/stations/<int:station_id>/records/", views.record_list, name="liaison_records"),
    path(
        "liaison/stations/<int:station_id>/records/new/",
        views.record_create,
        name="liaison_record_create",
    ),
    path("liaison/import/", views.import_page, name="liaison_import"),
    path("liaison/import/template.xlsx", views.import_template, name="liaison_import_template"),
    path("liaison/export.xlsx", views.export, name="liaison_export"),
    path("liaison/cards/", views.cards, name="liaison_cards"),
    path("liaison/leaders/", views.leaders, name="liaison_leaders"),
    path(
        "liaison/deputies/<int:deputy_id>/commitments/",
        views.commitments,
        name="liaison_commitments",
    ),
]
