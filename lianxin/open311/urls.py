from django.urls import path, re_path

from . import views

FMT = r"\.(?P<fmt>[A-Za-z0-9]+)"
SEGMENT = r"[^/]+?"

urlpatterns = [
    path("open311/v2/", views.not_found, name="open311_root"),
    re_path(rf"^open311/v2/discovery{FMT}$", views.discovery, name="open311_discovery"),
    re_path(rf"^open311/v2/services{FMT}$", views.service_list, name="open311_services"),
    re_path(
        rf"^open311/v2/services/(?P<code>{SEGMENT}){FMT}$",
        views.service_definition,
        name="open311_service",
    ),
    re_path(rf"^open311/v2/requests{FMT}$", views.request_list, name="open311_requests"),
    re_path(
        rf"^open311/v2/requests/(?P<request_id>{SEGMENT}){FMT}$",
        views.request_detail,
        name="open311_request",
    ),
    re_path(
        rf"^open311/v2/tokens/(?P<token>{SEGMENT}){FMT}$",
        views.token_detail,
        name="open311_token",
    ),
    re_path(r"^open311/(?P<rest>.*)$", views.not_found),
]
