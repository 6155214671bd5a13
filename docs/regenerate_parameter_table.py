"""Rewrite the generated parameter table in docs/odd.md from the registry (sim.params)."""

import re
from pathlib import Path

from sim.params import markdown_table

ODD = Path(__file__).with_name("odd.md")
BEGIN = "<!-- BEGIN PARAMETER TABLE (generated) -->"
END = "<!-- END PARAMETER TABLE (generated) -->"

if __name__ == "__main__":
    text = ODD.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    ODD.write_text(pattern.sub(lambda _: f"{BEGIN}\n{markdown_table()}\n{END}", text),
                   encoding="utf-8")
    print(f"updated {ODD}")
