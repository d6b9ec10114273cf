# The smallest Django site that runs asymmetric-jwt-auth's middleware the way its README sets it up,
# for the bench's side-by-side row. Everything else Django would add (sessions, CSRF, templates) is
# left out so the row measures the middleware, not Django's defaults.
import os

BASE_DIR = os.path.dirname(os.path.abspath(__file__))
SECRET_KEY = "bench-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "asymmetric_jwt_auth"]
MIDDLEWARE = ["asymmetric_jwt_auth.middleware.JWTAuthMiddleware"]
ROOT_URLCONF = "benchsite.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["BENCH_SEED_DB"]}}
# Upstream's default nonce backend keeps used nonces in Django's cache: with one gunicorn worker the
# process-local cache sees every request, so replay protection is on, as on our JWT row.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
LOGGING = {"version": 1, "disable_existing_loggers": True}
