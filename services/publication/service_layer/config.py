"""Publication's settings, its event codec and the names of its aggregates' streams."""

import hashlib
import hmac
import logging
import os
from dataclasses import dataclass, field
from datetime import timedelta
from uuid import UUID

from services.kit.receipt_secret import DEV_DEFAULT, receipt_secret
from services.kit.streams import EventCodec

from .. import domain as d

log = logging.getLogger(__name__)

CODEC = EventCodec("publication", d.PRIVATE_EVENTS)
"""The domain's private events, stored under ``publication.<Name>.v1`` beside the public ones."""


@dataclass(frozen=True)
class PublicationConfig:
    """The service's settings: the disclosure period, the closing rule, the salt of resident keys,
    the secret receipt checks are made under (shared with intake)."""

    disclosure: d.DisclosurePolicy = field(default_factory=d.DisclosurePolicy)
    closing: d.ClosingRule = field(default_factory=d.ClosingRule)
    resident_salt: str = "yishi-publication"
    receipt_secret: str = DEV_DEFAULT

    @classmethod
    def from_env(cls) -> "PublicationConfig":
        days = float(os.environ.get("YISHI_PUBLICATION_DISCLOSURE_DAYS", "7"))
        salt = os.environ.get("YISHI_PUBLICATION_RESIDENT_SALT")
        if not salt:
            # With a known key, the keys of ratings could be tested against candidate codes.
            log.warning("YISHI_PUBLICATION_RESIDENT_SALT is not set: residents' keys use a public default; "
                        "set a secret in any real deployment")
            salt = "yishi-publication"
        return cls(disclosure=d.DisclosurePolicy(timedelta(days=days)), resident_salt=salt,
                   receipt_secret=receipt_secret())

    def resident_key(self, receipt_code: str) -> str:
        """A resident's key: HMAC-SHA256 of their receipt code under the salt; the code is never kept."""
        return hmac.new(self.resident_salt.encode(), receipt_code.strip().encode(), hashlib.sha256).hexdigest()


def disclosure_stream(resolution_id: UUID) -> str:
    return f"disclosure:{resolution_id}"


def implementation_stream(topic_id: UUID) -> str:
    return f"implementation:{topic_id}"


def escalation_stream(topic_id: UUID) -> str:
    return f"escalation:{topic_id}"
