"""Page-number pagination that says precisely when a page does not exist."""

from __future__ import annotations

from math import ceil
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema

from shared.errors import ErrorDetail, NotFound

MAX_PAGE_SIZE = 500


class PageParams(Schema):
    page: int = Field(1, ge=1, description="Page number, from 1.")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="Items per page (1–500).")

    def filters(self) -> dict[str, Any]:
        """The query's filters alone, as keyword arguments of the list selector."""
        return self.model_dump(exclude={"page", "page_size"})


class PageMeta(Schema):
    count: int = Field(description="Items matching the filters, on all pages.")
    page: int
    page_size: int
    pages: int = Field(description="Number of pages (at least 1, even when nothing matches).")


def paginate(queryset: QuerySet[Any], *, page: int, page_size: int) -> dict[str, Any]:
    """Slice one page; a page past the last is a 404 that names how many pages there are."""
    count = queryset.count()
    pages = max(1, ceil(count / page_size))
    if page > pages:
        raise NotFound(
            f"Page {page} does not exist: there {'is' if pages == 1 else 'are'} {pages} "
            f"page{'' if pages == 1 else 's'} of {page_size} items.",
            [ErrorDetail(field="page", message=f"must be between 1 and {pages}")],
        )
    start = (page - 1) * page_size
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": pages,
        "results": list(queryset[start : start + page_size]),
    }
