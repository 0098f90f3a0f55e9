"""Test settings: the base settings with test-only speed-ups; the database still comes from DATABASE_URL."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-secret-key-not-for-production-use-anywhere-0123456789"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MEDIA_ROOT = env.path("DJANGO_TEST_MEDIA_ROOT", default=BASE_DIR / "var" / "test-media")  # noqa: F405
# Unit tests run tasks in-process; the integration tests start a real worker on the broker themselves.
CELERY_TASK_ALWAYS_EAGER = True
# Every test's rollback may undo a synonym: searches check the dictionary each time.
MATCHING = {**MATCHING, "SEARCH_DICTIONARY_AGE": 0.0}  # noqa: F405
