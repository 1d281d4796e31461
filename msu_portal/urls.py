from django.contrib import admin
from django.urls import include, path

from applications.views import home
from background import views as background_views

admin.site.site_header = "Portail MSU — administration"
admin.site.site_title = "Portail MSU — administration"  # the browser tab's, not Django's
admin.site.index_title = "Administration du portail"

urlpatterns = [
    path("", home.home, name="home"),
    path("accessibilite/", home.accessibility, name="accessibility"),
    path("mentions-legales/", home.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", home.privacy, name="privacy"),
    path("compte/", include("accounts.urls")),
    path("dossiers/", include("applications.urls")),
    path("notifications/", include("notifications.urls")),
    path("stages/", include("stages.urls")),
    path("remuneration/", include("remuneration.urls")),
    path("journal/", include("audit.urls")),
    path("arriere-plan/", include("background.urls")),
    path("sante/", background_views.health, name="health"),
    path("exports/", include("exports.urls")),
    path("rapports/", include("reports.urls")),
    path("obligations/", include("obligations.urls")),
    path("admin/", admin.site.urls),
]
