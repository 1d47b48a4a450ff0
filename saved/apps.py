from django.apps import AppConfig


class SavedConfig(AppConfig):
    name = "saved"
    verbose_name = "Saved searches"
