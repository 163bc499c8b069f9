"""Packing the outbox into push batches: by count and by bytes, in order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mobile.sync.batches import push_batches, push_body, push_body_size
from shared.sync import MAX_PUSH_BATCH, MAX_PUSH_BYTES


@given(
    sizes=st.lists(st.integers(min_value=2, max_value=120), max_size=60),
    max_count=st.integers(min_value=1, max_value=8),
    max_bytes=st.integers(min_value=40, max_value=400),
)
def test_it_packs_greedily_in_order_within_both_limits(
    sizes: list[int], max_count: int, max_bytes: int
) -> None:
    payloads = ["x" * size for size in sizes]

    batches = push_batches(payloads, max_count=max_count, max_bytes=max_bytes)

    # Every payload once, in order.
    assert [n for batch in batches for n in batch] == list(range(len(payloads)))
    for k, batch in enumerate(batches):
        body = push_body([payloads[n] for n in batch])
        assert 1 <= len(batch) <= max_count
        # Over the limit only alone: nothing can make that one smaller.
        assert len(body) <= max_bytes or len(batch) == 1
        if k + 1 < len(batches):  # greedy: the next one did not fit
            grown = [payloads[n] for n in [*batch, batches[k + 1][0]]]
            assert len(grown) > max_count or len(push_body(grown)) > max_bytes


def test_it_counts_the_envelope_and_utf8_bytes_exactly() -> None:
    payloads = ['{"note":"å"}', '{"note":"😀"}', "{}"]

    assert push_body_size(payloads) == len(push_body(payloads))
    assert push_body(payloads) == ('{"inspections":[' + ",".join(payloads) + "]}").encode()
    assert push_body_size([]) == len(b'{"inspections":[]}')


def test_it_splits_by_bytes_before_the_count_limit_with_the_real_limits() -> None:
    # 150 inspections of 100 kB: under the count limit, but 15 MB.
    payloads = ["y" * 100_000] * 150

    batches = push_batches(payloads)

    assert [len(b) for b in batches] == [83, 67]
    assert all(len(push_body([payloads[n] for n in b])) <= MAX_PUSH_BYTES for b in batches)


@pytest.mark.parametrize("n", [0, 1, MAX_PUSH_BATCH, MAX_PUSH_BATCH + 1, 450])
def test_it_keeps_the_count_limit_for_small_records(n: int) -> None:
    batches = push_batches(["{}"] * n)

    assert [len(b) for b in batches] == [MAX_PUSH_BATCH] * (n // MAX_PUSH_BATCH) + (
        [n % MAX_PUSH_BATCH] if n % MAX_PUSH_BATCH else []
    )
