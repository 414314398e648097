from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("workbench/", views.workbench, name="workbench"),
    path("regions/", views.region_list, name="region_list"),
    path("regions/children/", views.region_children, name="region_children"),
    path("congresses/", views.congress_list, name="congress_list"),
    path("congresses/<int:congress_id>/", views.congress_detail, name="congress_detail"),
    path("deputies/", views.deputy_list, name="deputy_list"),
    path("deputies/<int:deputy_id>/", views.deputy_detail, name="deputy_detail"),
    path("deputies/<int:deputy_id>/phone", views.deputy_reveal_phone, name="deputy_reveal_phone"),
]
