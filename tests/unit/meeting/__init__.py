"""Unit tests of the meeting domain (组织协商)."""
