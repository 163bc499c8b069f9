from __future__ import annotations

from pathlib import Path

import pytest

from mobile.paths import configured_data_dir


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, None),
        ({"SKOLMILJO_MOBILE_DATA": ""}, None),
        ({"SKOLMILJO_MOBILE_DATA": "  "}, None),
        ({"SKOLMILJO_MOBILE_DATA": "/tmp/field"}, Path("/tmp/field")),
    ],
)
def test_it_takes_the_data_folder_from_the_environment(
    environ: dict[str, str], expected: Path | None
) -> None:
    assert configured_data_dir(environ) == expected
