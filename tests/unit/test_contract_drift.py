"""The committed JSON Schemas and AsyncAPI document are what the code generates."""

from services.system.contracts_export import check


def test_exported_contracts_match_the_code() -> None:
    assert check() == [], "\n".join(check())
