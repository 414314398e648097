from django.urls import path

from . import views

urlpatterns = [
    path("xieshang/", views.event_list, name="xieshang_events"),
    path("xieshang/new/", views.event_new, name="xieshang_event_new"),
    path("xieshang/<int:pk>/", views.event_detail, name="xieshang_event"),
    path("xieshang/<int:pk>/speech/", views.speech_new, name="xieshang_speech_new"),
    path("xieshang/<int:pk>/result/", views.result_new, name="xieshang_result_new"),
    path(
        "xieshang/results/<int:pk>/carried-out/",
        views.result_carried_out,
        name="xieshang_carried_out",
    ),
    path("xieshang/results/<int:pk>/<str:verb>/", views.result_step, name="xieshang_result_step"),
    path("xieshang/record/", views.my_record, name="xieshang_record"),
    path("xieshang/studios/", views.studio_list, name="xieshang_studios"),
    path("xieshang/studios/<int:pk>/", views.studio_detail, name="xieshang_studio"),
]
