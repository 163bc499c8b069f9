"""TOPSIS: how close each alternative is to the ideal one and far from the anti-ideal.

Hwang, C.-L. and Yoon, K. (1981), *Multiple Attribute Decision Making: Methods and
Applications*, Springer. Columns are criteria, rows are alternatives. Each column is
normalised, weighted (weights summed to 1), and the ideal (anti-ideal) alternative takes
the best (worst) value of every column: the largest for a benefit column, the smallest
for a cost column. The closeness of an alternative is d- / (d+ + d-), its Euclidean
distance to the anti-ideal over the sum of its distances to both, so 1 is the ideal.

Unlike a weighted sum on anchored scales, the result depends on the whole matrix (the
normalisation and both reference alternatives come from it): adding an alternative can
reorder the others. That is why the ranking uses it only as an alternative method.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final, Literal

import numpy as np
import pandas as pd

Normalisation = Literal["vector", "minmax"]
NORMALISATIONS: Final[tuple[str, ...]] = ("vector", "minmax")


def topsis(
    matrix: pd.DataFrame,
    weights: Mapping[str, float] | pd.Series,
    benefit: Mapping[str, bool],
    normalisation: Normalisation = "vector",
) -> pd.Series:
    """Closeness in [0, 1] of each row of `matrix` to the ideal row; index as the matrix's.

    `weights` and `benefit` give one entry per column (no more, no fewer); `benefit` is
    True when more is better in that column. `normalisation` is "vector" (x / the
    column's Euclidean norm, the original method) or "minmax" ((x - min) / (max - min)).
    A column whose values are all equal carries no information and normalises to 0. When
    every row is both ideal and anti-ideal (all rows equal), each closeness is 0.5.
    Raises ValueError on an unknown normalisation, missing or extra columns, weights that
    are negative, not finite or all zero, and values that are missing or not finite.
    """
    if normalisation not in NORMALISATIONS:
        raise ValueError(
            f"unknown normalisation {normalisation!r}; use one of {', '.join(NORMALISATIONS)}"
        )
    columns = [str(column) for column in matrix.columns]
    w = _column_weights(columns, weights)
    is_benefit = _column_benefit(columns, benefit)
    values = _values(matrix, columns)
    if values.shape[0] == 0:
        return pd.Series([], index=matrix.index, dtype=float, name="closeness")

    if normalisation == "vector":
        scale = np.sqrt((values**2).sum(axis=0))
        shifted = values
    else:
        low, high = values.min(axis=0), values.max(axis=0)
        scale = high - low
        shifted = values - low
    normalised = np.divide(
        shifted, scale, out=np.zeros_like(values), where=scale > 0
    )  # a constant (or all-zero) column tells the alternatives nothing apart
    weighted = normalised * (w / w.sum())

    best = np.where(is_benefit, weighted.max(axis=0), weighted.min(axis=0))
    worst = np.where(is_benefit, weighted.min(axis=0), weighted.max(axis=0))
    to_best = np.sqrt(((weighted - best) ** 2).sum(axis=1))
    to_worst = np.sqrt(((weighted - worst) ** 2).sum(axis=1))
    total = to_best + to_worst
    closeness = np.divide(to_worst, total, out=np.full_like(total, 0.5), where=total > 0)
    return pd.Series(closeness, index=matrix.index, name="closeness")


def _check_keys(kind: str, columns: list[str], keys: list[str]) -> None:
    missing = [column for column in columns if column not in keys]
    extra = sorted(key for key in keys if key not in columns)
    if missing:
        raise ValueError(f"{kind} missing for columns: {', '.join(missing)}")
    if extra:
        raise ValueError(f"{kind} given for columns not in the matrix: {', '.join(extra)}")


def _column_weights(columns: list[str], weights: Mapping[str, float] | pd.Series) -> np.ndarray:
    given = {str(key): value for key, value in weights.items()}
    _check_keys("weights", columns, list(given))
    result = np.empty(len(columns))
    for i, column in enumerate(columns):
        value = given[column]
        if isinstance(value, bool) or not isinstance(value, int | float | np.number):
            raise ValueError(f"weight of {column!r} must be a number, got {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"weight of {column!r} must be finite, got {value}")
        if value < 0:
            raise ValueError(f"weight of {column!r} must not be negative, got {value}")
        result[i] = value
    if columns and result.sum() == 0:
        raise ValueError("at least one weight must be positive")
    return result


def _column_benefit(columns: list[str], benefit: Mapping[str, bool]) -> np.ndarray:
    given = {str(key): value for key, value in benefit.items()}
    _check_keys("benefit", columns, list(given))
    for column in columns:
        if not isinstance(given[column], bool | np.bool_):
            raise ValueError(f"benefit of {column!r} must be True or False, got {given[column]!r}")
    return np.array([bool(given[column]) for column in columns], dtype=bool)


def _values(matrix: pd.DataFrame, columns: list[str]) -> np.ndarray:
    try:
        values = np.asarray(matrix.to_numpy(dtype=float), dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"the matrix must hold numbers only: {error}") from None
    bad = ~np.isfinite(values).all(axis=0)
    if bad.any():
        names = ", ".join(column for column, is_bad in zip(columns, bad, strict=True) if is_bad)
        raise ValueError(f"the matrix has missing or infinite values in columns: {names}")
    return values
