"""manage.py enrollment_code USERNAME [--hours N]."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import qrcode
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from server.accounts.models import EnrollmentCode
from server.accounts.services import device_enroll, enrollment_uri
from tests.server.accounts.accounts_factories import make_inspector, make_user

pytestmark = pytest.mark.django_db


def run(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("enrollment_code", *args, stdout=out)
    return out.getvalue().splitlines()


def qr_lines(data: str) -> list[str]:
    qr = qrcode.QRCode(border=2)
    qr.add_data(data)
    drawing = io.StringIO()
    qr.print_ascii(out=drawing, invert=True)
    return drawing.getvalue().splitlines()


@override_settings(PUBLIC_URL="https://skolmiljo.example.org")
def test_it_prints_the_qr_code_the_expiry_and_last_the_code() -> None:
    make_inspector(username="anna")

    lines = run("anna")

    code = lines[-1]
    expected_qr = qr_lines(enrollment_uri(code))
    assert lines[: len(expected_qr)] == expected_qr
    assert "server=https://skolmiljo.example.org" in enrollment_uri(code)
    stored = EnrollmentCode.objects.get()
    expires = timezone.localtime(stored.expires_at)
    assert lines[len(expected_qr) :] == [
        f"Enrollment code for anna, one use, valid until {expires:%Y-%m-%d %H:%M %Z}:",
        code,
    ]
    assert device_enroll(code=code, device_name="Annas platta")[0].user.username == "anna"


def test_it_makes_the_code_valid_for_the_hours_asked() -> None:
    make_inspector(username="anna")

    run("anna", "--hours", "2")

    stored = EnrollmentCode.objects.get()
    assert stored.expires_at - stored.created_at == timedelta(hours=2)


def test_it_refuses_an_unknown_user() -> None:
    with pytest.raises(CommandError, match="There is no user 'nobody'."):
        run("nobody")

    assert EnrollmentCode.objects.count() == 0


def test_it_refuses_a_user_who_is_not_an_inspector() -> None:
    make_user(username="pia")

    with pytest.raises(CommandError, match="'pia' is not an active inspector"):
        run("pia")

    assert EnrollmentCode.objects.count() == 0
