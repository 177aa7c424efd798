"""A reader for JSON-stat 2.0 datasets, the format of Statistics Norway's (SSB) API. No Django.

A dataset is a cube: `id` names the dimensions in order, `size` gives their lengths and
`value` holds the cells in row-major order, as a list or as a sparse object keyed by the
cell's position. Each dimension lists its categories in `category.index` (a list of codes,
or an object of code → position) with optional labels. `role` says which dimension is time,
geography and the measured content (SSB: `Tid`, `Region`, `ContentsCode`).

`read_dataset()` checks everything before it returns, so a `Dataset` is always whole and
consistent; anything else raises `JsonStatError` with a `code` the caller turns into a
message in the person's language (the English `str()` is for logs).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_BYTES = 10 * 1024 * 1024
MAX_CELLS = 2_000_000
MAX_DIMENSIONS = 20

# Error codes; the web layer has one message per code.
EMPTY = "empty"
TOO_LARGE = "too_large"
NOT_JSON = "not_json"
NOT_DATASET = "not_dataset"
MALFORMED = "malformed"
NO_DIMENSION = "no_dimension"


TOO_HEAVY = "too_heavy"  # reading needed more memory or time than allowed (lib/capped.py)


class JsonStatError(ValueError):
    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Dimension:
    id: str
    label: str
    codes: tuple[str, ...]
    labels: dict[str, str]
    # The unit of a content category ("personer", "prosent"), from `category.unit.<code>.base`.
    units: dict[str, str] = field(default_factory=dict)

    def label_of(self, code: str) -> str:
        return self.labels.get(code, code)


@dataclass(frozen=True)
class Dataset:
    label: str
    source: str
    updated: str
    dimensions: tuple[Dimension, ...]
    roles: dict[str, tuple[str, ...]]
    # Cell position → value; missing and null cells are left out.
    values: dict[int, Decimal]

    def dimension(self, dimension_id: str) -> Dimension:
        for d in self.dimensions:
            if d.id == dimension_id:
                return d
        raise JsonStatError(NO_DIMENSION, dimension_id)

    def find_dimension(self, role: str, names: tuple[str, ...] = ()) -> Dimension | None:
        """The dimension with the role, or else the first whose id is one of the names."""
        for dimension_id in self.roles.get(role, ()):
            return self.dimension(dimension_id)
        lowered = {n.lower() for n in names}
        for d in self.dimensions:
            if d.id.lower() in lowered:
                return d
        return None

    def cells(self) -> Iterator[tuple[dict[str, str], Decimal]]:
        """Every cell that has a value: ({dimension id: category code}, value)."""
        sizes = [len(d.codes) for d in self.dimensions]
        for position in sorted(self.values):
            coordinates: dict[str, str] = {}
            rest = position
            for d, size in zip(reversed(self.dimensions), reversed(sizes), strict=True):
                rest, index = divmod(rest, size)
                coordinates[d.id] = d.codes[index]
            yield coordinates, self.values[position]


def read_dataset(data: bytes) -> Dataset:
    """Parse and check a JSON-stat 2.0 dataset (or a bundle whose first item is a dataset)."""
    if not data or not data.strip():
        raise JsonStatError(EMPTY)
    if len(data) > MAX_BYTES:
        raise JsonStatError(TOO_LARGE, f"{len(data)} bytes")
    try:
        document = json.loads(
            data.decode("utf-8-sig"),
            parse_float=Decimal,
            parse_int=Decimal,
            parse_constant=lambda _: None,  # NaN and Infinity are no values
        )
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise JsonStatError(NOT_JSON, str(error)[:200]) from None
    if isinstance(document, dict) and "class" not in document and "version" not in document:
        # A JSON-stat 1.x style bundle: {"dataset-name": {...}}. Take its first dataset.
        first = next(iter(document.values()), None) if len(document) == 1 else None
        if isinstance(first, dict) and "dimension" in first:
            document = first
    if not isinstance(document, dict) or document.get("class", "dataset") != "dataset":
        raise JsonStatError(NOT_DATASET)
    if "dimension" not in document or "value" not in document:
        raise JsonStatError(NOT_DATASET, "no dimension or value")
    return _dataset(document)


def _text(value: Any, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise JsonStatError(MALFORMED, f"{where} is not text")
    return value


def _dataset(document: dict[str, Any]) -> Dataset:
    ids, sizes, dimensions_data = document.get("id"), document.get("size"), document["dimension"]
    if not isinstance(ids, list) or not isinstance(sizes, list) or len(ids) != len(sizes):
        raise JsonStatError(MALFORMED, "id and size must be lists of the same length")
    if not ids or len(ids) > MAX_DIMENSIONS or not isinstance(dimensions_data, dict):
        raise JsonStatError(MALFORMED, "bad number of dimensions")
    if len(set(map(str, ids))) != len(ids):
        raise JsonStatError(MALFORMED, "repeated dimension id")
    dimensions = []
    cells = 1
    for dimension_id, size in zip(ids, sizes, strict=True):
        if not isinstance(dimension_id, str) or not _is_count(size):
            raise JsonStatError(MALFORMED, "dimension id or size")
        dimension = _dimension(dimension_id, dimensions_data.get(dimension_id))
        if len(dimension.codes) != int(size):
            raise JsonStatError(MALFORMED, f"dimension {dimension_id} has the wrong size")
        dimensions.append(dimension)
        cells *= int(size)
        if cells > MAX_CELLS:
            raise JsonStatError(TOO_LARGE, f"more than {MAX_CELLS} cells")
    return Dataset(
        label=_text(document.get("label"), "label"),
        source=_text(document.get("source"), "source"),
        updated=_text(document.get("updated"), "updated"),
        dimensions=tuple(dimensions),
        roles=_roles(document.get("role"), set(ids)),
        values=_values(document["value"], cells),
    )


def _is_count(value: Any) -> bool:
    return isinstance(value, Decimal) and value == value.to_integral_value() and value >= 0


def _dimension(dimension_id: str, data: Any) -> Dimension:
    if not isinstance(data, dict) or not isinstance(data.get("category"), dict):
        raise JsonStatError(MALFORMED, f"dimension {dimension_id} has no categories")
    category = data["category"]
    index, labels = category.get("index"), category.get("label") or {}
    if not isinstance(labels, dict):
        raise JsonStatError(MALFORMED, f"labels of {dimension_id}")
    if index is None and len(labels) == 1:
        codes = [next(iter(labels))]  # a single category may leave out the index
    elif isinstance(index, list):
        codes = index
    elif isinstance(index, dict):
        positions = list(index.values())
        if not all(isinstance(p, Decimal) for p in positions) or sorted(positions) != [
            Decimal(i) for i in range(len(index))
        ]:
            raise JsonStatError(MALFORMED, f"index of {dimension_id} is not 0…n-1")
        codes = sorted(index, key=lambda code: index[code])
    else:
        raise JsonStatError(MALFORMED, f"index of {dimension_id}")
    if not all(isinstance(c, str) for c in codes) or len(set(codes)) != len(codes):
        raise JsonStatError(MALFORMED, f"codes of {dimension_id}")
    units = category.get("unit") or {}
    if not isinstance(units, dict):
        raise JsonStatError(MALFORMED, f"units of {dimension_id}")
    return Dimension(
        id=dimension_id,
        label=_text(data.get("label"), f"label of {dimension_id}"),
        codes=tuple(codes),
        labels={str(k): v for k, v in labels.items() if isinstance(v, str)},
        units={
            str(code): unit["base"]
            for code, unit in units.items()
            if isinstance(unit, dict) and isinstance(unit.get("base"), str)
        },
    )


def _roles(data: Any, ids: set[str]) -> dict[str, tuple[str, ...]]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise JsonStatError(MALFORMED, "role")
    roles: dict[str, tuple[str, ...]] = {}
    for role, names in data.items():
        if not isinstance(names, list) or not all(n in ids for n in names):
            raise JsonStatError(MALFORMED, f"role {role} names an unknown dimension")
        roles[str(role)] = tuple(names)
    return roles


def _number(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Decimal):
        if isinstance(value, str):
            try:  # SSB writes some cells as text; "." and ".." mean no value
                number = Decimal(value.replace(",", ".").strip())
            except InvalidOperation:
                return None
        else:
            raise JsonStatError(MALFORMED, "a value is neither a number nor null")
    else:
        number = value
    if not number.is_finite() or not math.isfinite(float(number)):
        return None
    return number


def _values(data: Any, cells: int) -> dict[int, Decimal]:
    values: dict[int, Decimal] = {}
    if isinstance(data, list):
        if len(data) != cells:
            raise JsonStatError(MALFORMED, f"{len(data)} values for {cells} cells")
        items: Any = enumerate(data)
    elif isinstance(data, dict):
        items = []
        for key, value in data.items():
            if not key.isdigit() or int(key) >= cells:
                raise JsonStatError(MALFORMED, f"value position {key[:20]!r}")
            items.append((int(key), value))
    else:
        raise JsonStatError(MALFORMED, "value")
    for position, value in items:
        number = _number(value)
        if number is not None:
            values[position] = number
    return values


def write_dataset(
    *,
    label: str,
    dimensions: list[tuple[str, list[str], dict[str, str]]],
    values: list[float | int | None],
    roles: dict[str, list[str]] | None = None,
    source: str = "",
    units: dict[str, dict[str, str]] | None = None,
) -> bytes:
    """A JSON-stat 2.0 dataset as bytes: for tests and for templates people can fill in."""
    document: dict[str, Any] = {
        "version": "2.0",
        "class": "dataset",
        "label": label,
        "source": source,
        "id": [d[0] for d in dimensions],
        "size": [len(d[1]) for d in dimensions],
        "dimension": {
            dimension_id: {
                "label": dimension_id,
                "category": {"index": {c: i for i, c in enumerate(codes)}, "label": labels},
            }
            for dimension_id, codes, labels in dimensions
        },
        "value": values,
    }
    if roles:
        document["role"] = roles
    for dimension_id, by_code in (units or {}).items():
        document["dimension"][dimension_id]["category"]["unit"] = {
            code: {"base": base, "decimals": 0} for code, base in by_code.items()
        }
    return json.dumps(document, ensure_ascii=False).encode()
