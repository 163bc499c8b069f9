"""The lengths of campaign and respondent codes; the codes themselves are server.core's."""

from __future__ import annotations

from typing import Final

from server.core.codes import ALPHABET, new_code, normalize

__all__ = ["ALPHABET", "CAMPAIGN_CODE_LENGTH", "RESPONDENT_CODE_LENGTH", "new_code", "normalize"]

CAMPAIGN_CODE_LENGTH: Final = 6
RESPONDENT_CODE_LENGTH: Final = 8
