"""The dev stack's demo data: 清波街道 (上城区) and its communities in council's registry, so the
demo users' communities (清波门社区 330102001051, 劳动路社区 330102001052) take topics in.

Imported through council's own API as the city office would (``POST /divisions/import``, which
is idempotent: a second ``up`` changes nothing); the other services learn them from its events.
"""

from pathlib import Path

import httpx

from services.kit.auth import mint_token

CODE_LIST = Path(__file__).resolve().parents[2] / "tests" / "data" / "hangzhou.csv"
DISTRICT, STREET = "330102000000", "330102001000"


def demo_code_list() -> bytes:
    """上城区, 清波街道 and 清波街道's communities from Hangzhou's code list (code,name,parent_code)."""
    header, *lines = CODE_LIST.read_text(encoding="utf-8").splitlines()
    wanted = [line for line in lines if line.split(",")[0] in (DISTRICT, STREET) or line.split(",")[2] == STREET]
    return "\n".join([header, *wanted]).encode()


def register_demo_communities(council_url: str, jwt_key: str) -> dict:
    """Import the demo divisions; the import's summary (lines, added, unchanged, refused)."""
    token = mint_token(jwt_key, sub="dev-stack", roles=["city_office"], scope="3301")
    answer = httpx.post(f"{council_url}/divisions/import", content=demo_code_list(), timeout=30,
                        headers={"authorization": f"Bearer {token}", "content-type": "text/csv"})
    answer.raise_for_status()
    return answer.json()["summary"]
