from django.urls import path

from . import views

urlpatterns = [
    path("sentiment/", views.report_list, name="sentiment_list"),
    path("sentiment/new/", views.report_new, name="sentiment_new"),
    path("sentiment/<int:pk>/", views.report_detail, name="sentiment_detail"),
    path("sentiment/<int:pk>/<str:verb>/", views.report_action, name="sentiment_action"),
    path("sentiment/issues/", views.issue_list, name="sentiment_issues"),
    path("sentiment/issues/new/", views.issue_new, name="sentiment_issue_new"),
    path("sentiment/issues/<int:pk>/", views.issue_detail, name="sentiment_issue"),
    path("sentiment/issues/<int:pk>/send/", views.issue_send, name="sentiment_issue_send"),
    path("sentiment/issues/<int:pk>/pdf/", views.issue_pdf, name="sentiment_issue_pdf"),
    path("sentiment/rankings/", views.rankings, name="sentiment_rankings"),
]
