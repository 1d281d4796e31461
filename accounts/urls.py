from django.contrib.auth import views as auth_views
from django.urls import path

from . import security_views, views

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("inscription/", views.signup_view, name="signup"),
    path("inscription/envoyee/", views.signup_sent, name="signup_sent"),
    path("inscription/confirmer/<str:token>/", views.confirm_email, name="confirm"),
    path("mot-de-passe/oubli/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/modifie/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "mot-de-passe/changer/",
        security_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("second-facteur/", security_views.second_factor, name="second_factor"),
    path("second-facteur/activer/", security_views.enrol, name="second_factor_enrol"),
    path(
        "second-facteur/codes-de-secours/",
        security_views.recovery_codes,
        name="recovery_codes",
    ),
    path("securite/", security_views.security, name="security"),
    path(
        "securite/desactiver-second-facteur/",
        security_views.disable_second_factor,
        name="second_factor_disable",
    ),
    path("sessions/", security_views.session_list, name="browser_sessions"),
    path(
        "sessions/deconnecter-les-autres/",
        security_views.sign_out_others,
        name="sign_out_others",
    ),
    path("equipe/", security_views.team, name="team"),
    path(
        "equipe/<int:user_id>/reinitialiser-second-facteur/",
        security_views.reset_member_second_factor,
        name="team_reset_second_factor",
    ),
]
