from django.urls import path

from planstatus.indicators import views

P = "<slug:region_slug>/<slug:plan_slug>/"

urlpatterns = [
    path(f"{P}indikatorar/", views.indicator_list, name="indicator_list"),
    path(f"{P}indikatorar/ny/", views.indicator_create, name="indicator_create"),
    path(f"{P}indikatorar/<int:pk>/", views.indicator_detail, name="indicator"),
    path(f"{P}indikatorar/<int:pk>/endre/", views.indicator_edit, name="indicator_edit"),
    path(f"{P}indikatorar/<int:pk>/slett/", views.indicator_delete, name="indicator_delete"),
    path(f"{P}indikatorar/<int:pk>/verdi/", views.indicator_value, name="indicator_value"),
    path(f"{P}indikatorar/<int:pk>/last-opp/", views.indicator_upload, name="indicator_upload"),
    path(f"{P}indikatorar/<int:pk>/mal.csv", views.indicator_template, name="indicator_template"),
    path(
        f"{P}indikatorar/<int:pk>/mal.xlsx",
        views.indicator_template_xlsx,
        name="indicator_template_xlsx",
    ),
    path(f"{P}mal/<int:pk>/", views.goal_detail, name="goal"),
]
