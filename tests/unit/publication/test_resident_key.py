"""Residents' keys: an HMAC of the receipt code under the service's salt; receipt checks under
the secret shared with intake."""

import logging

from services.kit import receipt_secret
from services.publication.service_layer.config import PublicationConfig

CODE = "7K3MQ-9XD4P"


def test_the_key_depends_on_the_secret_and_never_shows_the_code(monkeypatch) -> None:
    monkeypatch.setenv("YISHI_PUBLICATION_RESIDENT_SALT", "secret-a")
    a = PublicationConfig.from_env().resident_key(CODE)
    monkeypatch.setenv("YISHI_PUBLICATION_RESIDENT_SALT", "secret-b")
    b = PublicationConfig.from_env().resident_key(CODE)
    assert a != b and CODE not in a and len(a) == 64
    assert PublicationConfig.from_env().resident_key(f" {CODE} ") == b


def test_without_a_secret_it_warns_and_still_works(monkeypatch, caplog) -> None:
    monkeypatch.delenv("YISHI_PUBLICATION_RESIDENT_SALT", raising=False)
    with caplog.at_level(logging.WARNING):
        config = PublicationConfig.from_env()
    assert "YISHI_PUBLICATION_RESIDENT_SALT" in caplog.text
    assert len(config.resident_key(CODE)) == 64


def test_the_receipt_secret_comes_from_the_environment_or_warns_and_falls_back(monkeypatch, caplog) -> None:
    monkeypatch.setenv("YISHI_RECEIPT_SECRET", "shared-by-intake-and-publication")
    assert receipt_secret.load_receipt_secret() == "shared-by-intake-and-publication"
    monkeypatch.delenv("YISHI_RECEIPT_SECRET")
    with caplog.at_level(logging.WARNING):
        assert receipt_secret.load_receipt_secret() == receipt_secret.DEV_DEFAULT
    assert "YISHI_RECEIPT_SECRET" in caplog.text
