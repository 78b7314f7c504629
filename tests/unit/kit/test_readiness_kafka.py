"""Readiness asks a broker for its own topic's metadata only, and says so when none answers."""

from types import SimpleNamespace

from aiokafka.errors import KafkaConnectionError

from services.kit.health import readiness


class Client:
    def __init__(self, *, answers: bool, node: int | None = 1) -> None:
        self.answers, self.node = answers, node
        self.asked: list[tuple[int, list[str] | None]] = []
        self.everything = 0

    def get_random_node(self) -> int | None:
        return self.node

    async def send(self, node: int, request) -> object:
        self.asked.append((node, request._topics))
        if not self.answers:
            raise KafkaConnectionError("no broker")
        return object()

    async def fetch_all_metadata(self) -> object:
        self.everything += 1
        return object()


def _runtime(client: Client) -> SimpleNamespace:
    return SimpleNamespace(pool=None, producer=SimpleNamespace(client=client), relay_alive=True,
                           topic="t.yishi.intake.v1", settings=SimpleNamespace(service="intake"))


async def test_a_broker_answering_for_the_own_topic_is_enough() -> None:
    client = Client(answers=True)
    _, checks = await readiness(_runtime(client))
    assert checks["kafka"] == "ok" and client.asked == [(1, ["t.yishi.intake.v1"])] and client.everything == 0


async def test_no_broker_answering_fails_the_check() -> None:
    _, checks = await readiness(_runtime(Client(answers=False)))
    assert checks["kafka"].startswith("failed") and "no broker" in checks["kafka"]


async def test_before_any_broker_is_known_the_bootstrap_servers_are_asked() -> None:
    client = Client(answers=True, node=None)
    _, checks = await readiness(_runtime(client))
    assert checks["kafka"] == "ok" and client.everything == 1 and not client.asked
