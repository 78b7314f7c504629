"""The system above the services: the list of services, the operator's CLI, the contract export.

The kit (``services/kit``) serves every service alike and names none; this package is the
one place that knows which services make up Yishi.
"""
