import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

application = get_wsgi_application()

# The service does not start with the embedded secret key (or a weak one)
# unless DEBUG is on (core.checks).
from core.checks import refuse_weak_secret_key  # noqa: E402

refuse_weak_secret_key()
