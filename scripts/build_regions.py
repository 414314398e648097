"""Rebuild lianxin/org/data/regions.csv from the shared division tables.

Run by hand when the source tables change; the product reads only the CSV it ships, so it
runs without ../shared. Usage: python scripts/build_regions.py ../shared/data/divisions
"""

import csv
import sys
from pathlib import Path

src = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/divisions")
out = Path(__file__).resolve().parent.parent / "lianxin" / "org" / "data" / "regions.csv"

rows = []
with open(src / "provinces.csv", encoding="utf-8") as f:
    rows += [(r["code"], r["name"], "province", "") for r in csv.DictReader(f)]
with open(src / "cities.csv", encoding="utf-8") as f:
    rows += [(r["code"], r["name"], "city", r["provinceCode"]) for r in csv.DictReader(f)]
with open(src / "shanxi_areas.csv", encoding="utf-8") as f:
    rows += [(r["code"], r["name"], "county", r["cityCode"]) for r in csv.DictReader(f)]
with open(src / "shanxi_streets.csv", encoding="utf-8") as f:
    rows += [(r["code"], r["name"], "township", r["areaCode"]) for r in csv.DictReader(f)]

codes = {r[0] for r in rows}
assert all(not parent or parent in codes for _, _, _, parent in rows), "orphan region"
rows.sort(key=lambda r: (len(r[0]), r[0]))
with open(out, "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["code", "name", "kind", "parent"])
    w.writerows(rows)
print(f"{len(rows)} regions → {out}")
