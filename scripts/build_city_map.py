"""Convert the Shanxi city boundaries of the shared division data into the dashboard's map.

Reads `shanxi_cities.geojson` (see ../shared/data/divisions/SOURCE.md: 11 prefecture-level
cities, simplified boundaries, lon/lat) and writes
lianxin/casework/static/casework/shanxi_cities.json: for each city its 4-digit region code,
its name, an SVG path in a 1000-wide box (equirectangular, x scaled by cos of the middle
latitude, y pointing down) and a label point. The product reads only that file, so it runs
without ../shared. Usage: python scripts/build_city_map.py ../shared/data/divisions
"""

import json
import math
import sys
from pathlib import Path

src = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/divisions")
out = (
    Path(__file__).resolve().parent.parent
    / "lianxin"
    / "casework"
    / "static"
    / "casework"
    / "shanxi_cities.json"
)
WIDTH = 1000

features = json.loads((src / "shanxi_cities.geojson").read_text(encoding="utf-8"))["features"]


def rings(geometry):
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


points = [p for f in features for ring in rings(f["geometry"]) for p in ring]
lon0, lon1 = min(p[0] for p in points), max(p[0] for p in points)
lat0, lat1 = min(p[1] for p in points), max(p[1] for p in points)
kx = math.cos(math.radians((lat0 + lat1) / 2))
scale = WIDTH / ((lon1 - lon0) * kx)
height = round((lat1 - lat0) * scale)


def xy(lon, lat):
    return round((lon - lon0) * kx * scale, 1), round((lat1 - lat) * scale, 1)


cities = []
for f in sorted(features, key=lambda f: f["properties"]["adcode"]):
    props = f["properties"]
    parts = []
    for ring in rings(f["geometry"]):
        pts = []
        for lon, lat in ring:
            p = xy(lon, lat)
            if not pts or p != pts[-1]:
                pts.append(p)
        if len(pts) >= 3:
            parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in pts) + "Z")
    x, y = xy(*props["centroid"])
    cities.append(
        {
            "code": str(props["adcode"] // 100),
            "name": props["name"],
            "d": "".join(parts),
            "x": x,
            "y": y,
        }
    )

out.write_text(
    json.dumps(
        {
            "source": "shanxi_cities.geojson (../shared/data/divisions/SOURCE.md)",
            "width": WIDTH,
            "height": height,
            "cities": cities,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    + "\n",
    encoding="utf-8",
)
print(f"{len(cities)} cities → {out} ({out.stat().st_size:,} bytes)")
