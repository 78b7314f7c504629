"""Write deploy/k8s/alert-rules.yaml, the PrometheusRule form of prometheus/alerts.yaml.

alerts.yaml stays the one source (promtool checks and tests it); the Prometheus Operator
loads rules only from PrometheusRule objects, so this copies its groups into one.
A test fails when the two differ.
"""

import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ALERTS = HERE / "prometheus" / "alerts.yaml"
PROMETHEUS_RULE = HERE.parent / "k8s" / "alert-rules.yaml"

HEADER = """\
# GENERATED from deploy/monitoring/prometheus/alerts.yaml by `python -m deploy.monitoring`;
# edit that file, then run the command. The alert rules for the Prometheus Operator; your
# Prometheus must select this PrometheusRule (see deploy/README.md, "Monitoring").
"""


def prometheus_rule(groups: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {
            "name": "yishi",
            "namespace": "yishi",
            "labels": {
                "app.kubernetes.io/name": "yishi",
                "app.kubernetes.io/part-of": "yishi",
                "app.kubernetes.io/component": "monitoring",
            },
        },
        "spec": {"groups": groups},
    }


class _Dumper(yaml.SafeDumper):
    """Multi-line expressions as literal blocks, long annotations on one line: readable diffs."""


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _string)


def render() -> str:
    groups = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))["groups"]
    body = yaml.dump(prometheus_rule(groups), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
    return HEADER + body


def main() -> int:
    PROMETHEUS_RULE.write_text(render(), encoding="utf-8")
    print(f"wrote {PROMETHEUS_RULE.relative_to(HERE.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
