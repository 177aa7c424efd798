from django.urls import path
from django.views.generic import RedirectView

from planstatus.api import views
from planstatus.api.api import api

urlpatterns = [
    # People who type the API's address get its documentation (ninja's own root is a 404).
    path("api/v1/", RedirectView.as_view(pattern_name="api:openapi-view"), name="api_root"),
    path("api/v1/", api.urls),
    path("konto/api-nokkel/", views.api_tokens, name="api_tokens"),
    path(
        "konto/api-nokkel/<int:pk>/trekk-tilbake/",
        views.api_token_revoke,
        name="api_token_revoke",
    ),
    path("<slug:region_slug>/<slug:plan_slug>/data.<str:fmt>", views.plan_data, name="plan_data"),
]
