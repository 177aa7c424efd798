from django.urls import path

from planstatus.plans import views

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:region_slug>/", views.region_detail, name="region"),
    path("<slug:region_slug>/<slug:plan_slug>/", views.plan_detail, name="plan"),
    path(
        "<slug:region_slug>/<slug:plan_slug>/tiltak/<int:pk>/",
        views.measure_detail,
        name="measure",
    ),
]
