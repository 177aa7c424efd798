from django.urls import path

from planstatus.installation import views

urlpatterns = [
    path("ny-region/", views.region_create, name="region_create"),
]
