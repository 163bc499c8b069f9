"""Packing outbox payloads into push bodies: at most MAX_PUSH_BATCH records and
MAX_PUSH_BYTES bytes each, envelope included, in order.

The payloads are JSON frozen in the outbox, so a body's size is known before it is
built: `{"inspections":[` + the payloads joined by commas + `]}`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from shared.sync import MAX_PUSH_BATCH, MAX_PUSH_BYTES

_HEAD: Final = '{"inspections":['
_TAIL: Final = "]}"
_ENVELOPE: Final = len(_HEAD) + len(_TAIL)


def push_body(payloads: Sequence[str]) -> bytes:
    """The body of a push of these payloads (each one inspection's wire JSON)."""
    return (_HEAD + ",".join(payloads) + _TAIL).encode("utf-8")


def push_body_size(payloads: Sequence[str]) -> int:
    """`len(push_body(payloads))`, without building it."""
    return _ENVELOPE + sum(len(p.encode("utf-8")) for p in payloads) + max(len(payloads) - 1, 0)


def push_batches(
    payloads: Sequence[str],
    *,
    max_count: int = MAX_PUSH_BATCH,
    max_bytes: int = MAX_PUSH_BYTES,
) -> list[range]:
    """Consecutive runs of `payloads` (as index ranges), each as long as both limits allow.

    A payload too large even alone gets a run of its own: the server's 413 then refuses
    that one alone.
    """
    batches: list[range] = []
    start, size = 0, push_body_size([])
    for n, payload in enumerate(payloads):
        alone = push_body_size([payload])
        grown = size + (alone - _ENVELOPE) + (1 if n > start else 0)  # + a comma
        if n > start and (n - start >= max_count or grown > max_bytes):
            batches.append(range(start, n))
            start, grown = n, alone
        size = grown
    if start < len(payloads):
        batches.append(range(start, len(payloads)))
    return batches
