from django.urls import path

from . import views

urlpatterns = [
    path("public/", views.home, name="portal_home"),
    path("public/r/<str:code>/", views.region, name="portal_region"),
    path("public/r/<str:code>/schedule/", views.county_schedule, name="portal_county_schedule"),
    path("public/r/<str:code>/notice.pdf", views.county_notice, name="portal_county_notice"),
    path("public/search/", views.search, name="portal_search"),
    path("public/near/", views.near, name="portal_near"),
    path("public/stations/<int:station_id>/", views.station, name="portal_station"),
    path(
        "public/stations/<int:station_id>/schedule/",
        views.station_schedule,
        name="portal_station_schedule",
    ),
    path("public/deputies/<int:deputy_id>/", views.deputy, name="portal_deputy"),
    path(
        "public/deputies/<int:deputy_id>/reports/<int:report_id>/",
        views.duty_report,
        name="portal_duty_report",
    ),
    path("public/stories/<int:story_id>/", views.story, name="portal_story"),
    path("public/typical-cases/", views.typical_list, name="portal_typical_list"),
    path("public/typical-cases/<int:typical_id>/", views.typical, name="portal_typical"),
]
