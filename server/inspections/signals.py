"""Receivers: stored cost estimates follow a new price list or an edited cost index."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from server.inspections.services import ratings_reprice
from server.prices.models import CostIndexYear
from server.prices.selectors import prices_for_plan
from server.prices.services import price_list_created


@receiver(price_list_created, dispatch_uid="inspections_reprice_prices")
def _reprice(sender: Any, **kwargs: Any) -> None:
    # Inside the import's transaction: the estimates change with the prices or not at all.
    ratings_reprice(prices=prices_for_plan())


@receiver(post_save, sender=CostIndexYear, dispatch_uid="inspections_reprice_index_saved")
@receiver(post_delete, sender=CostIndexYear, dispatch_uid="inspections_reprice_index_deleted")
def _reprice_after_index_edit(sender: Any, **kwargs: Any) -> None:
    # The admin saves several index years in one transaction: reprice once, after it.
    queued = transaction.get_connection().run_on_commit
    if not any(callback is _reprice_now for _, callback, *_ in queued):
        transaction.on_commit(_reprice_now)


def _reprice_now() -> None:
    ratings_reprice(prices=prices_for_plan())
