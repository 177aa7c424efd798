from django.urls import path

from planstatus.cases import views

# Under the plan's own path, so they cannot clash with the region's pages (see
# Plan.RESERVED_PLAN_SLUGS) or with each other's plans.
urlpatterns = [
    path("<slug:region_slug>/<slug:plan_slug>/sak/", views.case_page, name="case_page"),
    path("<slug:region_slug>/<slug:plan_slug>/sak/utskrift/", views.case_print, name="case_print"),
    path(
        "<slug:region_slug>/<slug:plan_slug>/sak/utkast/<int:pk>/vis/",
        views.case_draft_preview,
        name="case_draft_preview",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/sak/utkast/<int:pk>/fil.<str:fmt>",
        views.case_draft_file,
        name="case_draft_file",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/sak/utkast/<int:pk>/slett/",
        views.case_draft_delete,
        name="case_draft_delete",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/sak/utkast/<int:pk>/send/",
        views.case_draft_send,
        name="case_draft_send",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/sak/<int:pk>/",
        views.case_download,
        name="case_download",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/sak/sendt/<int:pk>/arkivpakke.zip",
        views.case_export,
        name="case_export",
    ),
]
