from django.urls import path

from . import views

urlpatterns = [
    path("work-orders/", views.order_list, name="work_order_list"),
    path("work-orders/imports/", views.import_upload, name="work_order_import"),
    path("work-orders/imports/<int:pk>/", views.import_job, name="work_order_import_job"),
    path(
        "work-orders/imports/<int:pk>/progress/",
        views.import_progress,
        name="work_order_import_progress",
    ),
    path("work-orders/sources/<int:pk>/", views.source_edit, name="work_order_source"),
    path("work-orders/sources/<int:pk>/pull/", views.source_pull, name="work_order_source_pull"),
    path(
        "work-orders/sources/<int:pk>/export", views.source_export, name="work_order_source_export"
    ),
    path(
        "work-orders/sources/<int:pk>/deliveries/",
        views.source_deliveries,
        name="work_order_source_deliveries",
    ),
    path("work-orders/<int:pk>/", views.order_detail, name="work_order_detail"),
    path(
        "work-orders/<int:pk>/actions/<str:action>/",
        views.order_action,
        name="work_order_action",
    ),
]
