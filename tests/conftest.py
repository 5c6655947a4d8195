from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import perfrules

# CI machines have two cores: no deadline, and a fixed seed so a failure reproduces.
settings.register_profile(
    "ci", deadline=None, derandomize=True, max_examples=150, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None, max_examples=60)
# Mutation runs (DEVELOPERS.md): fixed examples, fewer of them (each surviving mutant runs every test that reaches
# it), and no database, so no mutant's failure is replayed on another; mutmut runs the suite twice in one process,
# so a test class meets a second instance of itself.
settings.register_profile(
    "mutation",
    settings.get_profile("ci"),
    max_examples=30,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

# Messages are pinned to English here, whatever the machine's locale: tests that read Chinese ask for it.
os.environ["PERFRULES_LANG"] = "en"

ROOT = Path(__file__).resolve().parents[1]
SEED_SPEC = ROOT / "specs" / "guangzhou" / "department-overall-2022.yaml"
SEED_FACTS = ROOT / "examples" / "huangpu-fic-2022.yaml"


@pytest.fixture(scope="session")
def seed_spec() -> perfrules.Spec:
    return perfrules.load_spec(SEED_SPEC)


@pytest.fixture(scope="session")
def seed(seed_spec: perfrules.Spec) -> perfrules.Evaluation:
    return perfrules.evaluate(seed_spec, SEED_FACTS)


REQUIRE_TOOLS = "PERFRULES_REQUIRE_TOOLS"
"""Set (as .ci/run does) to make a test fail, not skip, when a system tool it needs is missing."""


def unavailable(what: str) -> None:
    """Skip the calling test for lack of *what*, or fail it where tools are required."""
    if os.environ.get(REQUIRE_TOOLS):
        pytest.fail(f"{what} is not available, and {REQUIRE_TOOLS} is set: .ci/run installs it")
    pytest.skip(f"{what} is not available")


def tool(name: str) -> str:
    """The path of the system tool *name* (chromium, pdffonts), or skip/fail as `unavailable` says."""
    found = shutil.which(name)
    if found is None:
        unavailable(name)
    assert found is not None
    return found


ARTEFACTS = Path(os.environ.get("PERFRULES_ARTEFACTS", ROOT / "build" / "test-artefacts"))
"""Where tests leave files for people to look at (screenshots); CI keeps the folder."""
