"""Unit tests of the meeting service: its domain, and its use cases in memory (no servers)."""
