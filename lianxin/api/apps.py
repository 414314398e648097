from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lianxin.api"
    label = "api"
