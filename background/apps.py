from django.apps import AppConfig


class BackgroundConfig(AppConfig):
    name = "background"
    verbose_name = "Traitements en arrière-plan"
    default_auto_field = "django.db.models.BigAutoField"
