"""What the fuzz run did, counted by the test module and printed by the conftest."""

from __future__ import annotations

from collections import Counter

# "planner GET /api/v1/sites" -> cases sent; "planner 200" -> answers with that status.
CASES: Counter[str] = Counter()
STATUSES: Counter[str] = Counter()
# "planner GET /api/v1/sites" -> seconds spent waiting for the answers.
SECONDS: Counter[str] = Counter()
