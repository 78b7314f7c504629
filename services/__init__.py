"""Yishi services: intake, council, meeting, publication, and the shared kit."""
