from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import perfrules

# CI machines have two cores: no deadline, and a fixed seed so a failure reproduces.
settings.register_profile(
    "ci", deadline=None, derandomize=True, max_examples=150, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None, max_examples=60)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

ROOT = Path(__file__).resolve().parents[1]
SEED_SPEC = ROOT / "specs" / "guangzhou" / "department-overall-2022.yaml"
SEED_FACTS = ROOT / "examples" / "huangpu-fic-2022.yaml"


@pytest.fixture(scope="session")
def seed_spec() -> perfrules.Spec:
    return perfrules.load_spec(SEED_SPEC)


@pytest.fixture(scope="session")
def seed(seed_spec: perfrules.Spec) -> perfrules.Evaluation:
    return perfrules.evaluate(seed_spec, SEED_FACTS)
