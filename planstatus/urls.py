from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # Before /konto/: the API key page lives there too.
    path("", include("planstatus.api.urls")),
    path("konto/", include("django.contrib.auth.urls")),
    path("", include("planstatus.imports.urls")),
    path("", include("planstatus.reporting.urls")),
    path("", include("planstatus.plans.urls")),
]
