from django.urls import path

from planstatus.plans import lineage_views, search_views, views

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:region_slug>/sok/", search_views.search, name="search"),
    path("<slug:region_slug>/aktorar/", views.actor_list, name="actor_list"),
    path("<slug:region_slug>/aktorar/ny/", views.actor_edit, name="actor_create"),
    path("<slug:region_slug>/aktorar/<int:pk>/", views.actor_edit, name="actor_edit"),
    path(
        "<slug:region_slug>/aktorar/kommunar/",
        views.municipality_actors,
        name="municipality_actors",
    ),
    path("<slug:region_slug>/<slug:plan_slug>/aktorar/", views.actor_matrix, name="actor_matrix"),
    path(
        "<slug:region_slug>/<slug:plan_slug>/aktorar/<int:pk>/",
        views.plan_actor,
        name="plan_actor",
    ),
    path("<slug:region_slug>/<slug:plan_slug>/tidslinje/", views.timeline, name="timeline"),
    path("<slug:region_slug>/<slug:plan_slug>/innebygd/", views.embed, name="embed"),
    path(
        "<slug:region_slug>/<slug:plan_slug>/innebygd/nettstader/",
        views.plan_embed_settings,
        name="plan_embed_settings",
    ),
    path(
        "<slug:region_slug>/innebygging/",
        views.region_embed_settings,
        name="region_embed_settings",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/innstillingar/",
        views.plan_settings,
        name="plan_settings",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/vidareforing/",
        lineage_views.lineage,
        name="lineage",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/vidareforing/forslag/",
        lineage_views.suggest,
        name="continuation_suggest",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/vidareforing/<int:pk>/",
        lineage_views.decide,
        name="continuation_decide",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/tiltak/<int:pk>/endre/",
        views.measure_edit,
        name="measure_edit",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/tiltak/<int:pk>/kva-har-skjedd/ny/",
        views.news_add,
        name="news_add",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/tiltak/<int:pk>/vedlegg/<int:attachment_pk>/",
        views.attachment,
        name="attachment",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/tiltak/<int:pk>/milepelar/ny/",
        views.milestone_add,
        name="milestone_add",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/tiltak/<int:pk>/milepelar/<int:milestone_pk>/",
        views.milestone_edit,
        name="milestone_edit",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/tiltak/<int:pk>/milepelar/<int:milestone_pk>/ferdig/",
        views.milestone_done,
        name="milestone_done",
    ),
]
