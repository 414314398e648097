"""Loading the official division codes shipped in lianxin/org/data/regions.csv."""

import csv
from pathlib import Path

REGIONS_CSV = Path(__file__).resolve().parent / "data" / "regions.csv"
# Names that stand for "the city's districts" in the statistical tables and read badly in a full name.
_SKIP_IN_FULL_NAME = {"市辖区", "县"}


def load_regions(Region) -> int:
    """Create or update every region in the CSV. `Region` may be a historical model."""
    with open(REGIONS_CSV, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    existing = {r.code: r for r in Region.objects.all()}
    full_names: dict[str, str] = {}
    created = 0
    for row in rows:  # parents come first: the CSV is sorted by code length
        parent_code = row["parent"] or None
        parent_full = full_names.get(parent_code, "") if parent_code else ""
        own = "" if row["name"] in _SKIP_IN_FULL_NAME else row["name"]
        full_names[row["code"]] = parent_full + own
        region = existing.get(row["code"])
        parent = existing.get(parent_code) if parent_code else None
        if region is None:
            region = Region.objects.create(
                code=row["code"],
                name=row["name"],
                kind=row["kind"],
                parent=parent,
                full_name=full_names[row["code"]],
            )
            existing[row["code"]] = region
            created += 1
        elif (region.name, region.kind, region.parent_id, region.full_name) != (
            row["name"],
            row["kind"],
            parent.pk if parent else None,
            full_names[row["code"]],
        ):
            region.name, region.kind, region.parent, region.full_name = (
                row["name"],
                row["kind"],
                parent,
                full_names[row["code"]],
            )
            region.save()
    return created
