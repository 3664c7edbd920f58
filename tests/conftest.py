"""Shared fixtures: paths, the dataset location, a local HTTP server, a Scrapy crawler."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ("tests.redis_server",)  # redis_server / redis_url fixtures (distributed mode)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
DATASETS = Path(os.environ.get("NEWSCRAWL_DATASETS", ROOT.parent / "shared" / "datasets"))
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_dataset(name: str) -> Path:
    """The dataset folder, or a skip (a failure under CI=true, where it must exist)."""
    path = DATASETS / name
    if not path.is_dir():
        message = f"dataset {path} not found (set NEWSCRAWL_DATASETS to the folder holding {name}/)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path
