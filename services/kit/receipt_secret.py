"""The secret under which receipt checks are made (``yishi_contracts.receipts``).

Shared by the services that issue receipt codes and those that check them, and by no one
else: with it, the checks on the public stream could be tested against candidate codes.
"""

import logging
import os
from functools import cache

log = logging.getLogger(__name__)

ENV = "YISHI_RECEIPT_SECRET"
DEV_DEFAULT = "yishi-dev-receipt-secret"


def load_receipt_secret() -> str:
    """The secret from the environment, warning when it falls back to the development default."""
    secret = os.environ.get(ENV)
    if not secret:
        log.warning("%s is not set: receipt checks use a public default; set a secret shared by the services "
                    "that issue and check receipt codes in any real deployment", ENV)
        return DEV_DEFAULT
    return secret


receipt_secret = cache(load_receipt_secret)
"""Read once per process (one warning), for the service's composition."""
