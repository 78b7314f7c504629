"""The service process's collector: frozen start, a larger young generation, or the default."""

import gc
from collections.abc import Iterator

import pytest

from services.kit.collector import GEN0_THRESHOLD, tune_collector


@pytest.fixture
def restored() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_a_service_process_freezes_what_it_started_with_and_collects_less_often(restored, monkeypatch) -> None:
    monkeypatch.delenv("YISHI_GC_GEN0_THRESHOLD", raising=False)
    tune_collector()
    assert gc.get_threshold()[0] == GEN0_THRESHOLD and gc.get_freeze_count() > 0


def test_zero_keeps_the_interpreters_collector(restored, monkeypatch) -> None:
    monkeypatch.setenv("YISHI_GC_GEN0_THRESHOLD", "0")
    before = gc.get_threshold()
    tune_collector()
    assert gc.get_threshold() == before


def test_a_wrong_value_falls_back_to_the_default(restored, monkeypatch) -> None:
    monkeypatch.setenv("YISHI_GC_GEN0_THRESHOLD", "many")
    tune_collector()
    assert gc.get_threshold()[0] == GEN0_THRESHOLD
