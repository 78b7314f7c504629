"""The public events, one module per producing service."""
