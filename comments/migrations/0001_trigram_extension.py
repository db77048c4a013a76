"""
Install pg_trgm, which the admin's comment search index (0002_initial) is built with.

It comes first because an index can't be created before its operator class exists.
pg_trgm is a trusted extension: the database owner may create it, no superuser needed.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    operations = [TrigramExtension()]
