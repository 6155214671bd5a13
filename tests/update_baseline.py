"""Rewrite the golden baseline (tests/baseline.json) from the current model."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import baseline  # noqa: E402

if __name__ == "__main__":
    baseline.write()
    print(f"wrote {baseline.PATH}")
