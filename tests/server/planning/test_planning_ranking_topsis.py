"""TOPSIS against published worked examples, and its edges (server/planning/topsis.py)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from server.planning.topsis import topsis


def test_it_reproduces_the_tzeng_huang_worked_example() -> None:
    """Tzeng, G.-H. and Huang, J.-J. (2011), *Multiple Attribute Decision Making: Methods
    and Applications*, CRC Press, TOPSIS chapter: four alternatives, three benefit
    criteria, weights 0.3 / 0.4 / 0.3, vector normalisation. Published closeness
    0.5037, 0.6581, 0.7482, 0.3340 (ranking A3 > A2 > A1 > A4); the same figures are the
    reference of scikit-criteria's test suite (skcriteria/tests/madm/test_topsis.py).
    """
    matrix = pd.DataFrame(
        [[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]],
        index=["A1", "A2", "A3", "A4"],
        columns=["c1", "c2", "c3"],
    )

    closeness = topsis(
        matrix, {"c1": 0.3, "c2": 0.4, "c3": 0.3}, {"c1": True, "c2": True, "c3": True}
    )

    assert list(closeness.index) == ["A1", "A2", "A3", "A4"]
    assert list(closeness) == pytest.approx([0.5037, 0.6581, 0.7482, 0.3340], abs=1e-4)


def test_it_reproduces_the_roszkowska_example_with_a_cost_criterion() -> None:
    """Roszkowska, E. (2011), "Multi-criteria decision making models by applying the
    TOPSIS method to crisp and interval data", *Multiple Criteria Decision Making* 6,
    University of Economics in Katowice, pp. 200-230: the crisp example for the first
    decision maker, five alternatives, C2 a cost criterion, weights 0.175 / 0.425 /
    0.175 / 0.225. Closeness 0.5355, 0.4349, 0.5575, 0.5170, 0.3706 (A3 > A1 > A4 > A2 >
    A5), as also reproduced to six decimals in gscoppino/topsis's test_topsis.py.
    """
    matrix = pd.DataFrame(
        [[7, 21, 4, 7], [7, 24, 6, 4], [14, 25, 3, 8], [14, 26, 9, 3], [21, 35, 4, 4]],
        index=["A1", "A2", "A3", "A4", "A5"],
        columns=["C1", "C2", "C3", "C4"],
    )

    closeness = topsis(
        matrix,
        pd.Series({"C1": 0.175, "C2": 0.425, "C3": 0.175, "C4": 0.225}),
        {"C1": True, "C2": False, "C3": True, "C4": True},
    )

    assert list(closeness) == pytest.approx([0.5355, 0.4349, 0.5575, 0.5170, 0.3706], abs=1e-4)


def test_it_normalises_by_range_when_asked() -> None:
    # min-max: a (0, 1), b (1, 0), c (0.5, 0.5); weighted 0.75 / 0.25:
    # a (0, 0.25), b (0.75, 0), c (0.375, 0.125); ideal (0.75, 0.25), anti-ideal (0, 0)
    # a: d+ 0.75, d- 0.25 -> 0.25; b: d+ 0.25, d- 0.75 -> 0.75; c: equidistant -> 0.5
    matrix = pd.DataFrame({"x": [0.0, 10.0, 5.0], "y": [10.0, 0.0, 5.0]}, index=["a", "b", "c"])

    closeness = topsis(matrix, {"x": 3, "y": 1}, {"x": True, "y": True}, normalisation="minmax")

    assert list(closeness) == pytest.approx([0.25, 0.75, 0.5])


def test_it_takes_the_smallest_value_as_ideal_for_a_cost_criterion() -> None:
    # as above with y a cost: ideal (0.75, 0), anti-ideal (0, 0.25)
    # a is the anti-ideal -> 0; b the ideal -> 1; c equidistant -> 0.5
    matrix = pd.DataFrame({"x": [0.0, 10.0, 5.0], "y": [10.0, 0.0, 5.0]}, index=["a", "b", "c"])

    closeness = topsis(matrix, {"x": 3, "y": 1}, {"x": True, "y": False}, normalisation="minmax")

    assert list(closeness) == pytest.approx([0.0, 1.0, 0.5])


def test_it_does_not_depend_on_the_scale_of_the_weights() -> None:
    matrix = pd.DataFrame({"x": [1.0, 4.0, 2.0], "y": [3.0, 1.0, 5.0]})

    small = topsis(matrix, {"x": 0.2, "y": 0.8}, {"x": True, "y": True})
    large = topsis(matrix, {"x": 20, "y": 80}, {"x": True, "y": True})

    assert list(small) == pytest.approx(list(large))


def test_it_gives_every_row_one_half_when_all_rows_are_equal() -> None:
    matrix = pd.DataFrame({"x": [3.0, 3.0], "y": [0.0, 0.0]})

    assert list(topsis(matrix, {"x": 1, "y": 1}, {"x": True, "y": True})) == [0.5, 0.5]


def test_it_returns_an_empty_series_for_an_empty_matrix() -> None:
    closeness = topsis(pd.DataFrame({"x": []}), {"x": 1}, {"x": True})

    assert len(closeness) == 0


@pytest.mark.parametrize(
    ("weights", "benefit", "normalisation", "message"),
    [
        ({"x": 1, "y": 1}, {"x": True, "y": True}, "sum", "unknown normalisation 'sum'"),
        ({"x": 1}, {"x": True, "y": True}, "vector", "weights missing for columns: y"),
        (
            {"x": 1, "y": 1, "z": 1},
            {"x": True, "y": True},
            "vector",
            "weights given for columns not in the matrix: z",
        ),
        ({"x": 1, "y": 1}, {"x": True}, "vector", "benefit missing for columns: y"),
        ({"x": 1, "y": 1}, {"x": True, "y": "yes"}, "vector", "benefit of 'y' must be True"),
        ({"x": -1, "y": 1}, {"x": True, "y": True}, "vector", "weight of 'x' must not be negative"),
        ({"x": math.nan, "y": 1}, {"x": True, "y": True}, "vector", "weight of 'x' must be finite"),
        (
            {"x": 0, "y": 0},
            {"x": True, "y": True},
            "vector",
            "at least one weight must be positive",
        ),
    ],
)
def test_it_rejects_what_it_cannot_compute(
    weights: dict[str, Any], benefit: dict[str, Any], normalisation: Any, message: str
) -> None:
    matrix = pd.DataFrame({"x": [1.0, 2.0], "y": [2.0, 1.0]})

    with pytest.raises(ValueError, match=message):
        topsis(matrix, weights, benefit, normalisation)


def test_it_rejects_missing_values_naming_the_column() -> None:
    matrix = pd.DataFrame({"x": [1.0, 2.0], "y": [math.nan, 1.0]})

    with pytest.raises(ValueError, match="missing or infinite values in columns: y"):
        topsis(matrix, {"x": 1, "y": 1}, {"x": True, "y": True})
