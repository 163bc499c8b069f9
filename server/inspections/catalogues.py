"""The catalogue versions the server accepts from tablets."""

from __future__ import annotations

from shared.catalogue import Catalogue, load_catalogue


def accepted_catalogues() -> dict[str, Catalogue]:
    """Every version still accepted; an older version stays here until it is retired."""
    current = load_catalogue()
    return {current.version: current}
