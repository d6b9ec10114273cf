# Creates the database and the bench user with the bench key, through upstream's own models.
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchsite.settings")
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402

from asymmetric_jwt_auth.models import PublicKey  # noqa: E402

call_command("migrate", verbosity=0)
username, pem_path = sys.argv[1], sys.argv[2]
user = User.objects.create_user(username=username)
with open(pem_path) as f:
    PublicKey.objects.create(user=user, key=f.read(), comment="bench")
