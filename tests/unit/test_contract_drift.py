"""The committed JSON Schemas and AsyncAPI document are what the code generates, and the
contracts README shows the example subscriber as it is in contracts/examples/."""

import re

from services.system.contracts_export import CONTRACTS_DIR, check


def test_exported_contracts_match_the_code() -> None:
    assert check() == [], "\n".join(check())


def test_the_readme_shows_the_example_subscriber_as_it_is() -> None:
    readme = (CONTRACTS_DIR / "README.md").read_text(encoding="utf-8")
    example = (CONTRACTS_DIR / "examples" / "subscriber.py").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
    assert example in blocks, "copy contracts/examples/subscriber.py into contracts/README.md"
