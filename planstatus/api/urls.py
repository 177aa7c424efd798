from django.urls import path

from planstatus.api import views
from planstatus.api.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("konto/api-nokkel/", views.api_tokens, name="api_tokens"),
    path(
        "konto/api-nokkel/<int:pk>/trekk-tilbake/",
        views.api_token_revoke,
        name="api_token_revoke",
    ),
    path("<slug:region_slug>/<slug:plan_slug>/data.<str:fmt>", views.plan_data, name="plan_data"),
]
