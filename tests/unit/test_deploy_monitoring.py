"""The alert rules and the Grafana dashboard under deploy/monitoring.

promtool (Debian's prometheus package; deploy/dev installs it as root) checks the rule file,
runs its unit tests (alerts.test.yaml) and parses every dashboard query; without promtool
only those three are skipped. Always: the rule file's structure, the annotations in both
languages with a runbook paragraph in deploy/README.md, the dashboard's structure, and that
every expression (rules, dashboard, autoscaling queries) names only the metrics the services
export.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.unit.test_deploy_manifests import BASE, README, REPO

MONITORING = REPO / "deploy" / "monitoring"
ALERTS = MONITORING / "prometheus" / "alerts.yaml"
ALERT_TESTS = MONITORING / "prometheus" / "alerts.test.yaml"
DASHBOARD = MONITORING / "grafana" / "yishi.json"
PROMTOOL = shutil.which("promtool")
NO_PROMTOOL = "promtool is not installed (Debian/Ubuntu: apt-get install prometheus); the structural checks still run"

HISTOGRAMS = {
    "yishi_http_request_duration_seconds", "yishi_event_handler_duration_seconds", "yishi_relay_publish_duration_seconds",
}
METRICS = HISTOGRAMS | {
    "yishi_http_requests_total", "yishi_events_handled_total", "yishi_consumer_lag_records", "yishi_consumer_lag_seconds",
    "yishi_outbox_pending", "yishi_outbox_oldest_age_seconds", "yishi_dead_letters_total", "yishi_db_pool_in_use",
    "yishi_db_pool_size", "yishi_ready", "up",
}
SERIES = (METRICS - HISTOGRAMS) | {f"{h}_{suffix}" for h in HISTOGRAMS for suffix in ("bucket", "sum", "count")}
PROMQL_WORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan",
}
CJK = re.compile(r"[\u4e00-\u9fff]")
DURATION = re.compile(r"^([0-9]+(ms|s|m|h|d|w|y))+$")
ANNOTATIONS = {"summary", "description", "summary_en", "description_en", "runbook"}


def metric_names(expr: str) -> set[str]:
    """The series an expression selects: identifiers that are neither functions, keywords nor labels."""
    text = re.sub(r'"(\\.|[^"\\])*"', '""', expr)  # string literals
    text = re.sub(r"\{[^}]*\}", "", text)  # label matchers
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)  # label lists
    text = re.sub(r"\[[^\]]*\]", "", text)  # ranges
    text = re.sub(r"\$\{?\w+\}?", "", text)  # Grafana variables
    names = set()
    for match in re.finditer(r"(?<![\w.])([a-zA-Z_:][\w:]*)(\s*\()?", text):
        word, call = match.group(1), match.group(2)
        if call or word.lower() in PROMQL_WORDS or re.fullmatch(r"[0-9]+[a-z]+", word):
            continue
        names.add(word)
    return names


def _rules() -> list[dict[str, Any]]:
    return [rule for group in yaml.safe_load(ALERTS.read_text(encoding="utf-8"))["groups"] for rule in group["rules"]]


def _dashboard() -> dict[str, Any]:
    return json.loads(DASHBOARD.read_text(encoding="utf-8"))


def _panels() -> list[dict[str, Any]]:
    return [p for p in _dashboard()["panels"] if p["type"] != "row"]


def _dashboard_exprs() -> list[tuple[str, str]]:
    return [(f"{p['title']} {t['refId']}", t["expr"]) for p in _panels() for t in p["targets"]]


def _scaling_queries() -> list[tuple[str, str]]:
    return [
        (d["metadata"]["name"], t["metadata"]["query"])
        for _, d in BASE if d["kind"] == "ScaledObject" for t in d["spec"]["triggers"] if t["type"] == "prometheus"
    ]


def _promtool(*args: str) -> None:
    done = subprocess.run([PROMTOOL, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"promtool {' '.join(args)}:\n{done.stdout}\n{done.stderr}"


def test_the_metric_name_reader_reads_names_only() -> None:
    expr = (
        'histogram_quantile(0.95, sum by (service, le) (rate(a_bucket{service=~"$service", x="b c"}[5m])))'
        " / on (x) b offset 5m > bool 1"
    )
    assert metric_names(expr) == {"a_bucket", "b"}


# --- alert rules ------------------------------------------------------------------------


def test_the_rule_file_has_the_structure_prometheus_reads() -> None:
    document = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))
    assert set(document) == {"groups"}
    names = [group["name"] for group in document["groups"]]
    assert len(names) == len(set(names))
    for group in document["groups"]:
        assert set(group) <= {"name", "interval", "rules", "limit", "query_offset", "labels"}
        for rule in group["rules"]:
            assert set(rule) <= {"alert", "expr", "for", "keep_firing_for", "labels", "annotations"}, rule.get("alert")
            assert re.fullmatch(r"Yishi[A-Z]\w+", rule["alert"]) and isinstance(rule["expr"], str)
            assert DURATION.match(rule.get("for", "0s")), rule["alert"]
            assert rule["labels"]["severity"] in {"warning", "critical"}


def test_each_concern_has_its_alert() -> None:
    by_metric = {name: rule["alert"] for rule in _rules() for name in metric_names(rule["expr"])}
    for metric in ("yishi_outbox_oldest_age_seconds", "yishi_consumer_lag_seconds", "yishi_dead_letters_total",
                   "yishi_http_requests_total", "yishi_ready"):
        assert metric in by_metric, f"no alert on {metric}"
    assert any('status=~"5.."' in rule["expr"] for rule in _rules()), "the 5xx rate"


@pytest.mark.parametrize("rule", _rules(), ids=lambda r: r["alert"])
def test_an_alert_says_what_it_means_in_chinese_and_english_with_a_runbook(rule: dict[str, Any]) -> None:
    annotations = rule["annotations"]
    assert set(annotations) == ANNOTATIONS
    for key in ("summary", "description"):
        assert CJK.search(annotations[key]), f"{key} is in Chinese"
        assert not CJK.search(annotations[f"{key}_en"]) and annotations[f"{key}_en"].strip(), f"{key}_en is in English"
    page, _, anchor = annotations["runbook"].partition("#")
    assert (REPO / page) == README and anchor == rule["alert"].lower()
    headings = re.findall(r"^#{2,6} (\S+)\s*$", README.read_text(encoding="utf-8"), re.M)
    assert rule["alert"] in headings, f"deploy/README.md has no runbook heading '{rule['alert']}'"


@pytest.mark.skipif(PROMTOOL is None, reason=NO_PROMTOOL)
def test_promtool_accepts_the_rules() -> None:
    _promtool("check", "rules", str(ALERTS))


@pytest.mark.skipif(PROMTOOL is None, reason=NO_PROMTOOL)
def test_the_rules_pass_their_unit_tests() -> None:
    tested = {case["alertname"] for test in yaml.safe_load(ALERT_TESTS.read_text(encoding="utf-8"))["tests"]
              for case in test["alert_rule_test"] if case["exp_alerts"]}
    assert tested == {rule["alert"] for rule in _rules()}, "every alert is seen firing in a unit test"
    _promtool("test", "rules", str(ALERT_TESTS))


# --- dashboard --------------------------------------------------------------------------


def test_the_dashboard_is_a_grafana_dashboard_with_a_service_variable() -> None:
    dashboard = _dashboard()
    assert dashboard["uid"] and dashboard["title"]
    assert isinstance(dashboard["schemaVersion"], int) and dashboard["schemaVersion"] >= 36
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource" and variables["datasource"]["query"] == "prometheus"
    service = variables["service"]
    assert service["type"] == "query" and service["multi"] and service["includeAll"]
    assert re.fullmatch(r"label_values\(\w+, service\)", service["query"]["query"])


def test_the_panels_are_laid_out_on_the_grid_without_overlap() -> None:
    panels = _dashboard()["panels"]
    ids = [p["id"] for p in panels]
    assert len(ids) == len(set(ids))
    cells: set[tuple[int, int]] = set()
    for panel in panels:
        g = panel["gridPos"]
        assert g["x"] >= 0 and g["w"] > 0 and g["x"] + g["w"] <= 24, panel["title"]
        area = {(x, y) for x in range(g["x"], g["x"] + g["w"]) for y in range(g["y"], g["y"] + g["h"])}
        assert not area & cells, f"{panel['title']} overlaps another panel"
        cells |= area


@pytest.mark.parametrize("panel", _panels(), ids=lambda p: p["title"])
def test_a_panel_queries_prometheus_for_the_chosen_services(panel: dict[str, Any]) -> None:
    assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
    assert panel["targets"] and len({t["refId"] for t in panel["targets"]}) == len(panel["targets"])
    for target in panel["targets"]:
        assert 'service=~"$service"' in target["expr"], "the service variable filters every query"
    assert panel["fieldConfig"]["defaults"]["unit"]


def test_the_dashboard_shows_every_metric() -> None:
    shown = {name.removesuffix("_bucket") for _, expr in _dashboard_exprs() for name in metric_names(expr)}
    assert shown == METRICS


@pytest.mark.skipif(PROMTOOL is None, reason=NO_PROMTOOL)
def test_promtool_parses_every_dashboard_query(tmp_path: Path) -> None:
    rules = [{"record": f"dashboard:query_{i}", "expr": expr.replace("$__rate_interval", "5m").replace("$service", ".*")}
             for i, (_, expr) in enumerate(_dashboard_exprs() + _scaling_queries())]
    path = tmp_path / "dashboard-queries.yaml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}), encoding="utf-8")
    _promtool("check", "rules", str(path))


# --- every expression -------------------------------------------------------------------


EXPRESSIONS = [(r["alert"], r["expr"]) for r in _rules()] + _dashboard_exprs() + _scaling_queries()


@pytest.mark.parametrize("where, expr", EXPRESSIONS, ids=[where for where, _ in EXPRESSIONS])
def test_an_expression_names_only_exported_metrics(where: str, expr: str) -> None:
    names = metric_names(expr)
    assert names, f"{where}: selects no metric"
    assert names <= SERIES, f"{where}: unknown {sorted(names - SERIES)}"
