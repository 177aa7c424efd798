from django.urls import path

from planstatus.pages import views
from planstatus.pages.feeds import PlanFeed, RegionFeed

# Included after every other app's URLs: a plan's slug shares its level with the region's
# own pages (logg, aktorar, …), which must match first.
urlpatterns = [
    path("mitt-arbeid/", views.my_work, name="my_work"),
    path("<slug:region_slug>/", views.region_detail, name="region"),
    path("<slug:region_slug>/feed/", RegionFeed(), name="region_feed"),
    path("<slug:region_slug>/logg/", views.region_log, name="region_log"),
    path("<slug:region_slug>/<slug:plan_slug>/", views.plan_detail, name="plan"),
    path("<slug:region_slug>/<slug:plan_slug>/feed/", PlanFeed(), name="plan_feed"),
    path("<slug:region_slug>/<slug:plan_slug>/oversikt/", views.dashboard, name="dashboard"),
    path(
        "<slug:region_slug>/<slug:plan_slug>/tiltak/<int:pk>/",
        views.measure_detail,
        name="measure",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/tiltak/<int:pk>/logg/",
        views.measure_log,
        name="measure_log",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/tiltak/<int:pk>/status/",
        views.measure_status,
        name="measure_status",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/tiltak/<int:pk>/folg-regelen/",
        views.measure_follow_rule,
        name="measure_follow_rule",
    ),
]
