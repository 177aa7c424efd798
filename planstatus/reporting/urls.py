from django.urls import path

from planstatus.reporting import people_views, views

# The actor's page sits outside the region's URLs: the token alone says whose it is.
urlpatterns = [
    # The mailed address: opened once, it sends the browser on to the token-free page.
    path("r/side/<int:pk>/", views.actor_page, name="actor_page"),
    path("r/side/<int:pk>/tiltak/<int:measure_pk>/", views.actor_report, name="actor_report"),
    path(
        "r/side/<int:pk>/tiltak/<int:measure_pk>/milepael/",
        views.actor_milestone,
        name="actor_milestone",
    ),
    path(
        "r/side/<int:pk>/tiltak/<int:measure_pk>/kva-har-skjedd/",
        views.actor_news,
        name="actor_news",
    ),
    path("r/side/<int:pk>/uendra/", views.actor_unchanged, name="actor_unchanged"),
    # Before the token pattern, which would take "ny-lenke" for a token.
    path("r/ny-lenke/", people_views.link_request, name="link_request"),
    path("r/<str:token>/", views.actor_link, name="actor_link"),
    path(
        "<slug:region_slug>/aktorar/<int:actor_pk>/kontaktpersonar/",
        people_views.contact_persons,
        name="contact_persons",
    ),
    path(
        "<slug:region_slug>/aktorar/<int:actor_pk>/kontaktpersonar/<int:pk>/",
        people_views.contact_person_edit,
        name="contact_person_edit",
    ),
    path(
        "<slug:region_slug>/aktorar/<int:actor_pk>/kontaktpersonar/<int:pk>/fjern/",
        people_views.contact_person_remove,
        name="contact_person_remove",
    ),
    path("<slug:region_slug>/<slug:plan_slug>/rundar/", views.round_list, name="round_list"),
    path("<slug:region_slug>/<slug:plan_slug>/rundar/ny/", views.round_open, name="round_open"),
    path("<slug:region_slug>/<slug:plan_slug>/rundar/<int:pk>/", views.round_detail, name="round"),
    path(
        "<slug:region_slug>/<slug:plan_slug>/rundar/<int:pk>/tiltak/<int:measure_pk>/",
        views.round_report,
        name="round_report",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/rundar/<int:pk>/tiltak/<int:measure_pk>/medlem/<int:member_pk>/",
        views.round_report,
        name="round_member_report",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/rundar/<int:pk>/endre/",
        views.round_edit,
        name="round_edit",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/rundar/<int:pk>/pamin/",
        views.round_remind,
        name="round_remind",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/rundar/<int:pk>/godkjenn/",
        views.round_decide,
        name="round_decide",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/rundar/<int:pk>/lukk/",
        views.round_close,
        name="round_close",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/rundar/<int:pk>/lenke/<int:actor_pk>/",
        views.round_link,
        name="round_link",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/rundar/<int:pk>/lenker/<int:link_pk>/trekk-tilbake/",
        views.round_link_revoke,
        name="round_link_revoke",
    ),
]
