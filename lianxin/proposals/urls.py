from django.urls import path

from . import views

urlpatterns = [
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("proposals/new/", views.proposal_new, name="proposal_new"),
    path("proposals/similar/", views.similar_proposals, name="proposal_similar"),
    path("proposals/figures/", views.figures, name="proposal_figures"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path(
        "proposals/<int:pk>/actions/<str:action>/",
        views.proposal_action,
        name="proposal_action",
    ),
]
