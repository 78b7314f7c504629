"""The exported contract documents: one JSON Schema per event, and the AsyncAPI document.

Both are generated from the code (the pydantic models; the FastStream brokers of the
four services) and committed under contracts/, so subscribers can read them without
running anything; ``check`` reports any drift so a test can fail on it.
"""

import json
from pathlib import Path

from faststream.specification import AsyncAPI
from yishi_contracts import EVENT_TYPES, Envelope

CONTRACTS_DIR = Path(__file__).resolve().parents[2] / "contracts"
SCHEMAS_DIR = CONTRACTS_DIR / "schemas"
ASYNCAPI_FILE = CONTRACTS_DIR / "asyncapi.yaml"


def rendered() -> dict[Path, str]:
    from .cli import documentation_runtimes

    files: dict[Path, str] = {}
    for cloudevent_type, model in sorted(EVENT_TYPES.items()):
        schema = model.model_json_schema()
        schema["$id"] = f"urn:yishi:event:{cloudevent_type}"
        schema["x-cloudevents-type"] = cloudevent_type
        files[SCHEMAS_DIR / f"{cloudevent_type}.json"] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    envelope = Envelope.model_json_schema()
    files[SCHEMAS_DIR / "envelope.json"] = json.dumps(envelope, ensure_ascii=False, indent=2) + "\n"
    spec = AsyncAPI(
        *(runtime.broker for runtime in documentation_runtimes()),
        title="Yishi (议事) events",
        version="1.0.0",
        description=(
            "The public event stream of Yishi. Every message is a CloudEvents 1.0 event in the Kafka "
            "binary content mode: ce_* headers (id, source, type, specversion, time, subject = the "
            "consultation topic's id, and the extensions communityid, correlationid, causationid, "
            "schemaversion), content-type application/json, the event data as the body, and the "
            "consultation topic's id as the message key."
        ),
    )
    files[ASYNCAPI_FILE] = spec.to_specification().to_yaml()
    return files


def export() -> list[Path]:
    files = rendered()
    SCHEMAS_DIR.mkdir(parents=True, exist_ok=True)
    for stale in set(SCHEMAS_DIR.glob("*.json")) - set(files):
        stale.unlink()
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    return sorted(files)


def check() -> list[str]:
    """What differs between the committed documents and the code; empty when in step."""
    files = rendered()
    drift = []
    for path, text in files.items():
        if not path.exists():
            drift.append(f"missing: {path.relative_to(CONTRACTS_DIR.parent)}")
        elif path.read_text(encoding="utf-8") != text:
            drift.append(f"out of date: {path.relative_to(CONTRACTS_DIR.parent)}")
    for stale in set(SCHEMAS_DIR.glob("*.json")) - set(files):
        drift.append(f"no longer produced: {stale.relative_to(CONTRACTS_DIR.parent)}")
    if drift:
        drift.append("run: yishi contracts export")
    return drift
