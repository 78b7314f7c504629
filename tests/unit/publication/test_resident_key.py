"""Residents' keys: an HMAC of the phone number under the service's secret."""

import logging

from services.publication.service_layer.config import PublicationConfig


def test_the_key_depends_on_the_secret_and_never_shows_the_number(monkeypatch) -> None:
    monkeypatch.setenv("YISHI_PUBLICATION_RESIDENT_SALT", "secret-a")
    a = PublicationConfig.from_env().resident_key("13800138000")
    monkeypatch.setenv("YISHI_PUBLICATION_RESIDENT_SALT", "secret-b")
    b = PublicationConfig.from_env().resident_key("13800138000")
    assert a != b and "13800138000" not in a and len(a) == 64
    assert PublicationConfig.from_env().resident_key(" 13800138000 ") == b


def test_without_a_secret_it_warns_and_still_works(monkeypatch, caplog) -> None:
    monkeypatch.delenv("YISHI_PUBLICATION_RESIDENT_SALT", raising=False)
    with caplog.at_level(logging.WARNING):
        config = PublicationConfig.from_env()
    assert "YISHI_PUBLICATION_RESIDENT_SALT" in caplog.text
    assert len(config.resident_key("13800138000")) == 64
