"""What Django's error pages and reports may show of the settings.

Django hides settings whose names look secret (KEY, TOKEN, PASS...), but not our service URLs,
which carry credentials inside them (`REDIS_URL`, `DATABASE_URL`, `CELERY_BROKER_URL`, the
caches' and channel layer's locations, `SENTRY_DSN`). The demo's debug page (DEBUG on) and any
error report would have printed them.
"""

import re

from django.views.debug import SafeExceptionReporterFilter

# user:password@ (or :password@) inside any URL-looking string.
CREDENTIALS_IN_URL = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/@\s]*@", re.IGNORECASE)


class CredentialsFilter(SafeExceptionReporterFilter):
    hidden_settings = re.compile(
        "API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DSN", flags=re.IGNORECASE
    )

    def cleanse_setting(self, key, value):
        value = super().cleanse_setting(key, value)
        if isinstance(value, str):
            return CREDENTIALS_IN_URL.sub(rf"\g<scheme>{self.cleansed_substitute}@", value)
        if isinstance(value, list | tuple):
            return type(value)(self.cleanse_setting(key, item) for item in value)
        return value
