from django.contrib import admin
from django.urls import include, path

from planstatus.accounts import views as account_views

urlpatterns = [
    path("admin/", admin.site.urls),
    # Ours first: the login that also restores the person's language.
    path("konto/login/", account_views.LoginView.as_view(), name="login"),
    # Before /konto/: the API key page lives there too.
    path("", include("planstatus.api.urls")),
    path("konto/", include("django.contrib.auth.urls")),
    path("sprak/", account_views.set_language, name="set_language"),
    path("", include("planstatus.installation.urls")),
    path("", include("planstatus.imports.urls")),
    path("", include("planstatus.reporting.urls")),
    path("", include("planstatus.cases.urls")),
    path("", include("planstatus.indicators.urls")),
    path("", include("planstatus.feedback.urls")),
    path("", include("planstatus.plans.urls")),
    path("", include("planstatus.pages.urls")),
]
