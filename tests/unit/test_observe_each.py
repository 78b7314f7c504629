"""observe_each leaves a histogram as observing each value one by one does."""

from prometheus_client import CollectorRegistry, Histogram

from services.kit.metrics import observe_each


def _samples(histogram_name: str, registry: CollectorRegistry) -> dict[tuple[str, tuple], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for metric in registry.collect() if metric.name == histogram_name for s in metric.samples}


def test_equal_values_observed_at_once_leave_the_same_buckets_sum_and_count() -> None:
    values = [0.0004] * 700 + [0.003] * 3 + [0.02] + [7.5] * 2 + [0.0025] * 4
    one, many = CollectorRegistry(), CollectorRegistry()
    by_one = Histogram("handled_seconds", "t", ["service"], buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 5.0),
                       registry=one)
    at_once = Histogram("handled_seconds", "t", ["service"], buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 5.0),
                        registry=many)
    for v in values:
        by_one.labels("council").observe(v)
    observe_each(at_once.labels("council"), values)
    expected, got = _samples("handled_seconds", one), _samples("handled_seconds", many)
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert abs(got[key] - value) < 1e-9, key
