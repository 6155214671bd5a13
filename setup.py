"""Refuse, with a clear message, to build under a Python older than 3.12.

pip does not check `requires-python` of a local project before resolving its
dependencies, so under Python 3.11 `pip install .` ended with "No matching
distribution found for mesa" (Mesa 3.5 itself needs 3.12). The project's metadata
is all in pyproject.toml; this file only stops early.
"""

import platform
import sys

if sys.version_info < (3, 12):
    sys.exit(f"coalition-sim needs Python 3.12 or newer; this is Python "
             f"{platform.python_version()} ({sys.executable}). Install Python 3.12+ and run "
             "pip with it, e.g. `python3.12 -m pip install -e .`, or use ./coalition, which "
             "finds one.")

from setuptools import setup  # noqa: E402

setup()
