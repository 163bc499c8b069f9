"""Version 1 of the price list: the shipped defaults (the element catalogue's rates)."""

from django.db import migrations


def seed(apps, schema_editor):
    from server.prices.table import default_prices
    from shared.catalogue import load_catalogue

    PriceList = apps.get_model("prices", "PriceList")
    PriceRate = apps.get_model("prices", "PriceRate")
    if PriceList.objects.exists():
        return
    table = default_prices(load_catalogue())
    price_list = PriceList.objects.create(
        version=table.version,
        origin="shipped defaults (Skolmiljö, element catalogue 2026.1)",
        currency=table.currency,
        vat_included=table.vat_included,
    )
    PriceRate.objects.bulk_create(
        PriceRate(
            price_list=price_list,
            element=element,
            grade=grade,
            sek_per_unit=rate.sek_per_unit,
            source=rate.source,
            price_year=rate.price_year,
        )
        for (element, grade), rate in sorted(table.rates.items())
    )


def unseed(apps, schema_editor):
    apps.get_model("prices", "PriceList").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("prices", "0001_price_lists_and_cost_index")]

    operations = [migrations.RunPython(seed, unseed)]
