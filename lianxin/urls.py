from django.contrib import admin
from django.urls import include, path

from lianxin.api.api import api
from lianxin.core import prometheus as core_metrics
from lianxin.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", core_metrics.metrics, name="metrics"),
    path("display/large-text", core_views.large_text, name="large_text"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("lianxin.accounts.urls")),
    path("", include("lianxin.open311.urls")),
    path("", include("lianxin.opinions.urls")),
    path("", include("lianxin.suggestions.urls")),
    path("", include("lianxin.proposals.urls")),
    path("", include("lianxin.sentiment.urls")),
    path("", include("lianxin.xieshang.urls")),
    path("", include("lianxin.hotline.urls")),
    path("", include("lianxin.casework.urls")),
    path("", include("lianxin.notifications.urls")),
    path("", include("lianxin.liaison.urls")),
    path("", include("lianxin.duty.urls")),
    path("", include("lianxin.consultation.urls")),
    path("", include("lianxin.bulletins.urls")),
    path("", include("lianxin.portal.urls")),
    path("", include("lianxin.web.urls")),
]

handler404 = "lianxin.web.views.not_found"
handler500 = "lianxin.web.views.server_error"
handler403 = "lianxin.web.views.forbidden"
handler400 = "lianxin.web.views.bad_request"
