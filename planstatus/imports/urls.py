from django.urls import path

from planstatus.imports import programme_views, views

urlpatterns = [
    path("<slug:region_slug>/import/", views.upload, name="import_upload"),
    path(
        "<slug:region_slug>/import/mal.<str:fmt>",
        views.template_download,
        name="import_template",
    ),
    path(
        "<slug:region_slug>/import/program/",
        programme_views.programme_upload,
        name="programme_upload",
    ),
    path("<slug:region_slug>/import/<int:pk>/", views.review, name="import_review"),
    path("<slug:region_slug>/import/<int:pk>/kolonnar/", views.read_columns, name="import_columns"),
    path("<slug:region_slug>/import/<int:pk>/linjer/", views.read_lines, name="import_lines"),
    path("<slug:region_slug>/import/<int:pk>/forkast/", views.discard, name="import_discard"),
]
