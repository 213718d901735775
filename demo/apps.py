from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data of the embedded default (``manage.py seed_demo``),
    written through the apps' services."""

    name = "demo"
    verbose_name = "Demo data"
