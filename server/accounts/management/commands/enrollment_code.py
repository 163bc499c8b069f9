"""`manage.py enrollment_code USERNAME [--hours N]`: a one-time code to enroll a tablet.

Prints the QR code (server address and code) for the tablet to scan, the expiry, and
last the code alone on its line, for typing or for scripts (`... | tail -n 1`).
"""

from __future__ import annotations

import io
from typing import Any

import qrcode
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from server.accounts import services
from shared.errors import InvalidInput


class Command(BaseCommand):
    help = "Make a one-time code that enrolls one tablet for an inspector, with its QR code."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The inspector the tablet will act for.")
        parser.add_argument(
            "--hours",
            type=int,
            default=None,
            help=f"How long the code is valid (default: {settings.ENROLLMENT_CODE_HOURS}).",
        )

    def handle(self, *args: Any, username: str, hours: int | None, **options: Any) -> None:
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"There is no user '{username}'.") from None
        try:
            enrollment, code = services.enrollment_code_create(user=user, hours=hours)
        except InvalidInput as exc:
            raise CommandError(exc.message) from None

        qr = qrcode.QRCode(border=2)
        qr.add_data(services.enrollment_uri(code))
        # print_ascii writes a character at a time; OutputWrapper would add a newline to each.
        drawing = io.StringIO()
        qr.print_ascii(out=drawing, invert=True)
        self.stdout.write(drawing.getvalue(), ending="")
        expires = timezone.localtime(enrollment.expires_at)
        self.stdout.write(
            f"Enrollment code for {user.get_username()}, one use, "
            f"valid until {expires:%Y-%m-%d %H:%M %Z}:"
        )
        self.stdout.write(code)
