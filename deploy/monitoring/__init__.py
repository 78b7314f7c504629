"""Dashboards and alert rules for Yishi; ``python -m deploy.monitoring`` writes the PrometheusRule."""
