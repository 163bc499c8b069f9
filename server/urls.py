"""Top-level URLs: the API, the admin, and the planner pages."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from server.api import api
from server.campaigns import pages as campaign_pages
from server.campaigns import views as survey_views
from server.pages import views

admin.site.site_header = "Skolmiljö – administration"
admin.site.site_title = "Skolmiljö"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/map/", views.dashboard_map, name="dashboard-map"),
    path("ranking/", views.ranking_page, name="ranking"),
    path("sites/<slug:code>/", views.site_page, name="site"),
    path("plan/", views.plan_page, name="plan"),
    path("plan/map/", views.plan_map, name="plan-map"),
    path("plan/save/", views.plan_save, name="plan-save"),
    path("plan/compare/", views.plan_compare, name="plan-compare"),
    # The language switch (sv default, en) posts here.
    path("i18n/", include("django.conf.urls.i18n")),
    # Browsers ask for /favicon.ico on pages that name no icon, such as the admin's.
    path("favicon.ico", views.favicon),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="pages/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The public survey form: the campaign's code is the whole address (QR codes, posters).
    path("s/<str:code>", survey_views.survey, name="survey"),
    path("s/<str:code>/tack", survey_views.thanks, name="survey-thanks"),
    path("enkater/", campaign_pages.campaign_list, name="campaigns"),
    path("enkater/resultat/", campaign_pages.results, name="survey-results"),
    path("enkater/<str:code>/", campaign_pages.campaign_detail, name="campaign-detail"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
