from django.db import migrations, models


def backfill(apps, schema_editor):
    """Plans saved before price lists were costed with the catalogue's rates, which are
    price list version 1; their price year is in their assumptions."""
    SavedPlan = apps.get_model("planning", "SavedPlan")
    for saved in SavedPlan.objects.filter(price_list_version__isnull=True):
        assumptions = (saved.result or {}).get("assumptions") or {}
        saved.price_list_version = 1
        saved.price_year = assumptions.get("price_year")
        saved.save(update_fields=["price_list_version", "price_year"])


class Migration(migrations.Migration):

    dependencies = [
        ('planning', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='savedplan',
            name='price_list_version',
            field=models.PositiveIntegerField(blank=True, help_text='The price-list version its costs were made with.', null=True),
        ),
        migrations.AddField(
            model_name='savedplan',
            name='price_year',
            field=models.PositiveSmallIntegerField(blank=True, help_text='The price year its costs are in.', null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
