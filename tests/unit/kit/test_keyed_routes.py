"""Every staff POST of council, meeting and publication takes an Idempotency-Key, and its
OpenAPI operation says so: the header, its 400 and 422 answers, the replay's header."""

import pytest

from services.kit.settings import ServiceSettings


def _document(service: str) -> dict:
    from services.council.app import create_app as council
    from services.meeting.app import create_app as meeting
    from services.publication.app import create_app as publication

    create = {"council": council, "meeting": meeting, "publication": publication}[service]
    return create(ServiceSettings(service=service, database_url="postgresql://nobody@127.0.0.1:1/none")).openapi()


@pytest.mark.parametrize("service", ["council", "meeting", "publication"])
def test_every_staff_post_documents_its_key(service: str) -> None:
    document = _document(service)
    staff_posts = [(path, ops["post"]) for path, ops in document["paths"].items()
                   if "post" in ops and ops["post"].get("security")]
    assert len(staff_posts) >= 6
    for path, operation in staff_posts:
        [header] = [p for p in operation.get("parameters", []) if p["name"] == "Idempotency-Key"]
        assert header["in"] == "header" and not header["required"], path
        assert header["schema"]["maxLength"] == 100 and header["schema"]["pattern"], path
        responses = operation["responses"]
        assert "invalid_idempotency_key" in responses["400"]["description"], path
        assert "idempotency_key_reused" in responses["422"]["description"], path
        for answer in (responses["400"], responses["422"]):
            assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Problem"}, path
        [success] = [r for status, r in responses.items() if status.startswith("2")]
        assert "Idempotent-Replayed" in success["headers"], path


def test_residents_posts_take_no_staff_key() -> None:
    document = _document("publication")
    resident_posts = [ops["post"] for ops in document["paths"].values() if "post" in ops and not ops["post"].get("security")]
    assert resident_posts and all(
        all(p["name"] != "Idempotency-Key" for p in op.get("parameters", [])) for op in resident_posts
    )
