"""Receivers: stored cost estimates follow a new price list or an edited cost index."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from server.inspections.services import ratings_reprice
from server.prices.models import CostIndexYear
from server.prices.selectors import prices_for_plan
from server.prices.services import price_list_created


@receiver(price_list_created, dispatch_uid="inspections_reprice_prices")
@receiver(post_save, sender=CostIndexYear, dispatch_uid="inspections_reprice_index_saved")
@receiver(post_delete, sender=CostIndexYear, dispatch_uid="inspections_reprice_index_deleted")
def _reprice(sender: Any, **kwargs: Any) -> None:
    ratings_reprice(prices=prices_for_plan())
