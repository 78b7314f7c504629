"""Redriving dead letters with ``yishi deadletters`` on a real broker and database: a record
dead-lettered because its handler failed is redriven after the fix and applied once; redriving
it again applies nothing twice; one still failing goes back with its redrive count."""

import asyncio
import os
import sys
from pathlib import Path

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer, ConsumerRecord
from yishi_contracts import INTAKE, Envelope

from services.council.app import build_runtime as council_runtime
from services.kit.binding import to_kafka
from services.kit.redrive import choose, current, letter_of, printable
from tests.support.eventually import eventually
from tests.support.kafka_reading import read_all
from tests.unit.factories import submitted

ROOT = Path(__file__).resolve().parents[2]
POISON = "处理失败的议题"
# The "bug": the council's view refuses one title (a non-retryable database error in its handler).
BREAK = f"""
CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN IF NEW.title = '{POISON}' THEN RAISE EXCEPTION 'the handler fails on this topic'; END IF; RETURN NEW; END $$;
CREATE TRIGGER refuse_poison BEFORE INSERT OR UPDATE ON screening_queue FOR EACH ROW EXECUTE FUNCTION refuse_poison();
"""
FIX = "DROP TRIGGER refuse_poison ON screening_queue"


async def yishi(settings, *args: str) -> tuple[int, str]:
    """Run the ``yishi`` command as an operator would, against the test's database and topics."""
    env = {
        **os.environ,
        "YISHI_COUNCIL_DATABASE_URL": settings.database_url,
        "YISHI_KAFKA_BOOTSTRAP_SERVERS": settings.kafka.bootstrap_servers,
        "YISHI_KAFKA_TOPIC_PREFIX": settings.kafka.topic_prefix,
        "YISHI_LOG_FORMAT": "console",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "services.system.cli", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    return process.returncode or 0, out.decode()


@pytest.fixture
async def producer(infra):
    producer = AIOKafkaProducer(bootstrap_servers=infra.bootstrap_servers, acks="all")
    await producer.start()
    yield producer
    await producer.stop()


async def test_a_failed_event_is_redriven_after_the_fix_and_applied_once(infra, make_database, settings_for, producer) -> None:
    url = make_database("council")
    runtime = council_runtime(settings_for("council", url))
    conn = await asyncpg.connect(url)
    await conn.execute(BREAK)
    await runtime.start()
    try:
        settings, community = runtime.settings, "330102001007"
        intake = settings.kafka.topic(INTAKE.topic)
        fine = [submitted(community_id=community) for _ in range(2)]
        poisoned = [submitted(community_id=community, title=POISON) for _ in range(2)]
        for event in (fine[0], *poisoned, fine[1]):
            record = to_kafka(Envelope.wrap(event, source="/yishi/intake"))
            await producer.send_and_wait(intake, record.value, key=record.key, headers=record.headers)
        dlq = runtime.dead_letter_topic
        await eventually(lambda: read_all(infra.bootstrap_servers, dlq), lambda r: len(r) == 2, what="two letters")
        queued = lambda: conn.fetch("SELECT topic_id FROM screening_queue WHERE community_id = $1", community)  # noqa: E731
        assert {r["topic_id"] for r in await queued()} == {e.topic_id for e in fine}

        code, out = await yishi(settings, "deadletters", "redrive", "council", "--reason", "processing_failed")
        assert code == 1 and "2 still failing" in out, "not fixed yet: both go back to the dead-letter topic"
        letters = await eventually(lambda: read_all(infra.bootstrap_servers, dlq), lambda r: len(r) == 4, what="4 letters")
        first, again = ([letter_of(r) for r in letters if letter_of(r).redrives == n] for n in (0, 1))
        assert len(again) == 2 and {a.origin for a in again} == {f.origin for f in first}, "the same origins, redriven once"

        await conn.execute(FIX)
        code, out = await yishi(settings, "deadletters", "redrive", "council", "--reason", "processing_failed")
        assert code == 0 and "2 applied" in out, out
        code, out = await yishi(settings, "deadletters", "redrive", "council", "--offset", again[0].position)
        assert code == 0 and "1 already applied" in out, out
        code, out = await yishi(settings, "deadletters", "redrive", "council", "--reason", "processing_failed")
        assert code == 0 and "2 already applied" in out, out

        rows = await queued()
        assert sorted(r["topic_id"] for r in rows) == sorted(e.topic_id for e in (*fine, *poisoned)), "each once"
        assert await conn.fetchval("SELECT count(*) FROM processed_events") == 4
        assert len(await read_all(infra.bootstrap_servers, dlq)) == 4, "nothing applied went back"
        code, out = await yishi(settings, "deadletters", "list", "council", "--reason", "processing_failed")
        assert code == 0 and out.count("processing_failed") == 2, "the current letters: the two redriven once"
        assert out.count("redrives=1  applied since") == 2, out
        assert "the handler fails on this topic" in out, "the detail"
        assert f'value: {{"community_id":"{community}"' in out, "the value's first bytes"
    finally:
        await runtime.stop()
        await conn.close()


def _letter(offset: int, origin_offset: int, *, redrives: int = 0, reason: str = "invalid_data", value: bytes = b"{}"):
    headers = [("ce_id", b"8c1f7d5e-2b7a-4c4f-9a4e-0e0b7f6f2a11"), ("yishi_dlq_reason", reason.encode()),
               ("yishi_dlq_detail", b"x"), ("yishi_dlq_topic", b"yishi.intake.v1"), ("yishi_dlq_partition", b"2"),
               ("yishi_dlq_offset", str(origin_offset).encode())]
    if redrives:
        headers.append(("yishi_dlq_redrives", str(redrives).encode()))
    return letter_of(ConsumerRecord("yishi.council.dlq.v1", 0, offset, 1000 + offset, 0, b"k", value, None, 1,
                                    len(value), tuple(headers)))


def test_a_letter_gives_back_its_record_and_a_redrive_that_failed_again_supersedes_it() -> None:
    first, again, other = _letter(0, 7), _letter(1, 7, redrives=1, reason="processing_failed"), _letter(2, 9)
    assert first.record().headers == (("ce_id", b"8c1f7d5e-2b7a-4c4f-9a4e-0e0b7f6f2a11"),)
    assert (first.record().topic, first.record().partition, first.record().offset) == ("yishi.intake.v1", 2, 7)
    assert current([first, again, other]) == [again, other]
    assert choose([first, again, other], reason="invalid_data") == [other], "7's current reason is processing_failed"
    assert choose([first, again, other], positions=["0:0"]) == [first]
    with pytest.raises(ValueError, match="0:5"):
        choose([first], positions=["0:5"])


def test_letters_print_safely_on_a_terminal() -> None:
    assert printable(b"\x1b[2J\xff\xfe ok\n") == "\\x1b[2J\\xff\\xfe ok\\n"
    assert printable("中山街".encode() * 30, 9) == "中山街…"
    assert printable(None) == "(none)"
