"""Fixtures for the experiment tests."""

from __future__ import annotations

import textwrap

import pytest


@pytest.fixture
def write(tmp_path):
    """write(text, name="exp.toml") -> path of a dedented experiment file in tmp_path."""

    def _write(text: str, name: str = "exp.toml"):
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write
