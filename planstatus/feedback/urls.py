from django.urls import path

from planstatus.feedback import views

urlpatterns = [
    path("<slug:region_slug>/innspel/", views.inbox, name="inbox"),
    path("<slug:region_slug>/innspel/lagring/", views.inbox_retention, name="inbox_retention"),
    path("<slug:region_slug>/innspel/<int:pk>/svar/", views.input_answer, name="input_answer"),
    path(
        "<slug:region_slug>/innspel/<int:pk>/slett-e-post/",
        views.input_erase_email,
        name="input_erase_email",
    ),
    path(
        "<slug:region_slug>/<slug:plan_slug>/tiltak/<int:pk>/innspel/",
        views.input_send,
        name="input_send",
    ),
]
