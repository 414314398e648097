"""Where the tests find the public data kept beside the repository (../shared/data): the
Chinese divisions and the TipDM citizen messages, which carry no licence to be copied into the
repository. Looked for in `LIANXIN_SHARED_DATA`, then beside this checkout, then at
/work/shared/data (the development machine's place, for a clean clone elsewhere)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def shared_data(*parts: str) -> Path:
    """The path of `parts` under the first shared data folder that has it (else under the
    first candidate, so that a test's skip reason names where it looked)."""
    candidates = [Path(p) for p in (os.environ.get("LIANXIN_SHARED_DATA", ""),) if p] + [
        ROOT.parent / "shared" / "data",
        Path("/work/shared/data"),
    ]
    for base in candidates:
        if (base.joinpath(*parts)).exists():
            return base.joinpath(*parts)
    return candidates[0].joinpath(*parts)
