"""What the inspector types or scans on the enroll screen."""

from __future__ import annotations

import pytest

from mobile.controllers.enroll import Enrollment, enrollment_parse


@pytest.mark.parametrize(
    ("server", "code", "expected"),
    [
        (
            "https://skolmiljo.goteborg.se/",
            " ABCD-EFGH ",
            ("https://skolmiljo.goteborg.se", "ABCD-EFGH"),
        ),
        ("skolmiljo.goteborg.se", "abcdefgh", ("https://skolmiljo.goteborg.se", "abcdefgh")),
        ("http://127.0.0.1:8000", "X", ("http://127.0.0.1:8000", "X")),
        # The QR code's URI pasted into either field stands for both.
        (
            "",
            "skolmiljo://enroll?server=https://s.example.se&code=ABCD-EFGH",
            ("https://s.example.se", "ABCD-EFGH"),
        ),
        (
            "skolmiljo://enroll?server=http%3A%2F%2F10.0.0.2%3A8000&code=WXYZ-2345",
            "",
            ("http://10.0.0.2:8000", "WXYZ-2345"),
        ),
        ("", "", ("", "")),
    ],
)
def test_it_reads_a_typed_address_and_code_or_the_qr_uri(
    server: str, code: str, expected: tuple[str, str]
) -> None:
    assert enrollment_parse(server, code) == Enrollment(*expected)
