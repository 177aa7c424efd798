from django.urls import path

from planstatus.plans import views

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:region_slug>/", views.region_detail, name="region"),
    path("<slug:region_slug>/logg/", views.region_log, name="region_log"),
    path("<slug:region_slug>/<slug:plan_slug>/", views.plan_detail, name="plan"),
    path(
        "<slug:region_slug>/<slug:plan_slug>/tiltak/<int:pk>/",
        views.measure_detail,
        name="measure",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/tiltak/<int:pk>/status/",
        views.measure_status,
        name="measure_status",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/tiltak/<int:pk>/endre/",
        views.measure_edit,
        name="measure_edit",
    ),
]
