import math

from django.db import migrations, models


def backfill(apps, schema_editor):
    """Every cost so far was quantity x the catalogue's rate, so the quantity behind it is
    the measured one, else cost / rate; for a zero rate (grade A), the site-size estimate
    the server used."""
    from shared.catalogue import load_catalogue

    catalogue = load_catalogue()
    Rating = apps.get_model("inspections", "Rating")
    batch = []
    rows = Rating.objects.filter(estimated_cost_sek__isnull=False).select_related("site")
    for rating in rows.iterator(chunk_size=2000):
        try:
            element = catalogue.element(rating.element)
        except KeyError:
            continue
        rate = element.repair_rate.for_grade(rating.grade)
        if rating.quantity is not None:
            quantity = rating.quantity
        elif rate > 0:
            quantity = rating.estimated_cost_sek / rate
        elif rating.site.floor_area_m2 and rating.site.yard_area_m2:
            quantity = element.quantity_estimate.quantity(
                floor_area=rating.site.floor_area_m2, yard_area=rating.site.yard_area_m2
            )
        else:
            continue
        if not math.isfinite(quantity):
            continue
        rating.cost_quantity = quantity
        batch.append(rating)
        if len(batch) >= 2000:
            Rating.objects.bulk_update(batch, ["cost_quantity"])
            batch = []
    Rating.objects.bulk_update(batch, ["cost_quantity"])


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0004_photo_hidden'),
    ]

    operations = [
        migrations.AddField(
            model_name='rating',
            name='cost_quantity',
            field=models.FloatField(blank=True, help_text="The quantity costs are computed from: the measured one, else the estimate from the site's size when the rating was received; none: no cost estimate.", null=True),
        ),
        migrations.AlterField(
            model_name='rating',
            name='estimated_cost_sek',
            field=models.FloatField(blank=True, help_text="Quantity for cost x the current price list's rate (refreshed on a new one).", null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
