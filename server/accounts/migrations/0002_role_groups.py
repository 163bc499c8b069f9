"""The role groups exist from the first `migrate`, so an administrator of a new
installation only ticks them on a user in the admin (the demo used to create them)."""

from django.db import migrations

ROLES = ("planner", "inspector")  # server.core.roles; frozen here as migrations must be


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
