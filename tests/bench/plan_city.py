"""A synthetic city of candidate interventions for the plan benchmark."""

from __future__ import annotations

import numpy as np
import pandas as pd

from shared.catalogue import load_catalogue

CATALOGUE = load_catalogue()


def synthetic_city(n_sites: int, seed: int = 0) -> pd.DataFrame:
    """About nine C/D items per site, quantities from the catalogue's rules of thumb."""
    rng = np.random.default_rng(seed)
    elements = CATALOGUE.elements
    sites = np.array([f"S{n:05d}" for n in range(n_sites)])
    floor_area = rng.uniform(800, 9_000, n_sites)
    yard_area = rng.uniform(1_000, 20_000, n_sites)
    site_of = np.repeat(np.arange(n_sites), rng.poisson(9, n_sites))
    items = pd.DataFrame(
        {
            "site_no": site_of,
            "element_no": rng.integers(0, len(elements), site_of.size),
            "location": rng.choice(["Hus A", "Hus B", "Hus C"], site_of.size),
        }
    ).drop_duplicates()
    n = len(items)
    factor = np.array([e.quantity_estimate.factor for e in elements])
    per = np.array([e.quantity_estimate.per for e in elements])[items["element_no"]]
    area = np.select(
        [per == "floor_area", per == "yard_area"],
        [floor_area[items["site_no"]], yard_area[items["site_no"]]],
        default=1.0,
    )
    site_no = items["site_no"].to_numpy()
    return pd.DataFrame(
        {
            "site": sites[site_no],
            "element": np.array([e.code for e in elements])[items["element_no"]],
            "location": items["location"].to_numpy(),
            "grade": np.where(rng.random(n) < 0.3, "D", "C"),
            "urgency": rng.choice([1, 2, 3, 4, np.nan], n, p=[0.03, 0.2, 0.3, 0.2, 0.27]),
            "quantity": factor[items["element_no"]] * area * rng.uniform(0.05, 0.5, n),
            "pupils": rng.integers(40, 900, n_sites)[site_no],
            "experience_need": np.where(
                rng.random(n_sites) < 0.2, np.nan, rng.uniform(0, 100, n_sites)
            )[site_no],
            "equity_need": rng.uniform(0, 100, n_sites)[site_no],
        }
    )
