from django.urls import path

from planstatus.cases import views

# Under the plan's own path, so they cannot clash with the region's pages (see
# Plan.RESERVED_PLAN_SLUGS) or with each other's plans.
urlpatterns = [
    path("<slug:region_slug>/<slug:plan_slug>/sak/", views.case_page, name="case_page"),
    path("<slug:region_slug>/<slug:plan_slug>/sak/utskrift/", views.case_print, name="case_print"),
    path(
        "<slug:region_slug>/<slug:plan_slug>/sak/<int:pk>/",
        views.case_download,
        name="case_download",
    ),
]
