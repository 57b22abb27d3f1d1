"""Search filters as Milvus expressions (ids and outlets quoted as JSON literals)."""

import json
from collections.abc import Callable

from index.backends.base import SearchFilters

NO_DAY = -(2**62)  # the `day` of an article without a date


def filter_expr(
    filters: SearchFilters | None, originals_copied_from: Callable[[list[str]], list[str]]
) -> str:
    if filters is None:
        return ""
    parts = []
    if filters.sources is not None:
        sources = f"source in {json.dumps(list(filters.sources))}"
        also = originals_copied_from(list(filters.sources))
        parts.append(f"({sources} or doc_id in {json.dumps(also)})" if also else sources)
    if filters.day_from is not None:
        parts.append(f"day >= {int(filters.day_from)}")
    if filters.day_to is not None:
        parts.append(f"day <= {int(filters.day_to)} and day > {NO_DAY}")
    return " and ".join(parts)
