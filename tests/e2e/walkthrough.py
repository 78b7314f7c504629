"""A community worker's walk through the six steps (六步议事程序), over HTTP.

Used by the end-to-end tests; the README's walk-through makes the same calls.
"""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from tests.support.eventually import eventually
from tests.support.processes import token

CATEGORIES = ["cppcc_member", "two_committees", "owners_committee", "resident_representative", "health_station",
              "resident_representative", "two_committees", "owners_committee"]


class Community:
    """One community's people (as tokens) and the calls they make."""

    def __init__(self, system: Any, client: httpx.AsyncClient, code: str) -> None:
        self.system, self.client, self.code = system, client, code
        self.party = token(f"party-{code}", "party_committee", scope=code)
        self.chair_id = f"chair-{code}"
        self.chair = token(self.chair_id, "council_chair", scope=code)
        self.staff = token(f"staff-{code}", "staff", scope=code)
        self.members = [f"m{i}-{code}" for i in range(1, 9)]
        self.council_id: str | None = None

    def url(self, service: str, path: str) -> str:
        return f"{self.system[service].url}{path}"

    def member(self, member_id: str) -> dict[str, str]:
        return token(member_id, "council_member", scope=self.code)

    async def call(
        self, method: str, service: str, path: str, *, as_: dict | None = None, ok: bool = False, **kw: Any
    ) -> httpx.Response:
        """One HTTP call as someone; with ``ok`` it must succeed (2xx)."""
        response = await self.client.request(method, self.url(service, path), headers=as_ or {}, **kw)
        if ok:
            assert response.is_success, f"{method} {path}: {response.status_code} {response.text}"
        return response

    # 谁来协商: the 1+7+X council
    async def form_council(self, members: int = 8, *, with_cppcc: bool = True) -> str:
        formed = await self.call("POST", "council", "/councils", as_=self.party, json={"community_id": self.code}, ok=True)
        self.council_id = formed.json()["council_id"]
        await self.call("PUT", "council", f"/councils/{self.council_id}/chair", as_=self.party,
                        json={"member_id": self.chair_id, "name": "李书记"}, ok=True)
        today = date.today()
        for n, member_id in enumerate(self.members[:members]):
            category = CATEGORIES[n] if with_cppcc or CATEGORIES[n] != "cppcc_member" else "resident_representative"
            await self.call("POST", "council", f"/councils/{self.council_id}/members", as_=self.party, ok=True, json={
                "member_id": member_id, "name": f"成员{n + 1}", "category": category,
                "term_start": str(today - timedelta(days=30)), "term_end": str(today + timedelta(days=3 * 365)),
            })
            await self.call("POST", "council", f"/councils/{self.council_id}/members/{member_id}/confirmation",
                            as_=self.party, ok=True)
        return self.council_id

    # 收集议题
    async def submit(self, title: str, description: str) -> dict[str, Any]:
        body = {"community_id": self.code, "title": title, "description": description,
                "contact": {"name": "居民", "phone": "13900139000"}}
        return {**(await self.call("POST", "intake", "/topics", json=body, ok=True)).json(), "title": title}

    async def awaiting(self, topic_id: str) -> None:
        async def queue() -> list[str]:
            r = await self.call("GET", "council", f"/communities/{self.code}/awaiting-screening", as_=self.staff,
                                params={"limit": 500})
            return [t["topic_id"] for t in r.json().get("topics", [])]

        await eventually(queue, lambda ids: topic_id in ids, what=f"{topic_id} awaiting screening")

    # 确定议题
    async def screen(self, topic_id: str, decision: dict[str, Any], *, as_: dict | None = None) -> httpx.Response:
        return await self.call("POST", "council", f"/topics/{topic_id}/screening", as_=as_ or self.chair, json=decision)

    # 议前调研
    async def research(self, topic_id: str) -> None:
        m1 = self.member(self.members[0])
        base = f"/topics/{topic_id}/research"
        await self.call("POST", "council", f"{base}/researchers", as_=self.chair,
                        json={"member_ids": self.members[:2]}, ok=True)
        await self.call("POST", "council", f"{base}/visits", as_=m1, ok=True, json={
            "visited_on": str(date.today()), "place": "现场", "notes": "实地查看，走访了周边居民和商户。"})
        await self.call("POST", "council", f"{base}/findings", as_=m1, ok=True,
                        json={"findings": "问题属实，影响周边居民出行和生活。", "feasibility": "feasible"})
        await self.call("PUT", "council", f"{base}/plan", as_=m1, ok=True, json={
            "plan": "邀请相关方共同协商解决方案。",
            "invitees": [{"kind": "stakeholder", "description": "周边商户代表"},
                         {"kind": "community_station", "description": "社区综治站"}]})
        await self.call("POST", "council", f"{base}/completion", as_=m1, ok=True)

    async def ready_for_agenda(self, topic_ids: list[str]) -> None:
        async def ready() -> set[str]:
            r = await self.call("GET", "meeting", f"/communities/{self.code}/ready-for-agenda", as_=self.chair)
            return {t["topic_id"] for t in r.json()} if r.status_code == 200 else set()

        async def roster() -> int:
            r = await self.call("GET", "meeting", f"/communities/{self.code}/roster", as_=self.chair)
            return len(r.json().get("fixed_members", [])) if r.status_code == 200 else 0

        await eventually(ready, lambda ids: set(topic_ids) <= ids, what="researched topics ready for an agenda")
        await eventually(roster, lambda n: n >= 7, what="the council's roster known to the meeting service")

    # 组织协商
    async def schedule(self, topic_ids: list[str]) -> httpx.Response:
        when = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
        return await self.call("POST", "meeting", "/meetings", as_=self.chair,
                               json={"community_id": self.code, "scheduled_for": when, "agenda": topic_ids})

    async def attend(self, meeting_id: str, present: int) -> None:
        for member_id in self.members[:present]:
            await self.call("POST", "meeting", f"/meetings/{meeting_id}/attendance", as_=self.staff, ok=True,
                            json={"person_id": member_id, "movement": "arrived"})

    async def vote(self, meeting_id: str, topic_id: str, text: str, choices: list[str]) -> httpx.Response:
        base = f"/meetings/{meeting_id}/topics/{topic_id}"
        deadline = str(date.today() + timedelta(days=30))
        await self.call("POST", "meeting", f"/meetings/{meeting_id}/minutes", as_=self.staff, ok=True, json={
            "topic_id": topic_id, "speaker_id": self.members[0], "kind": "statement", "text": "介绍调研情况和议事方案。"})
        await self.call("POST", "meeting", f"/meetings/{meeting_id}/minutes", as_=self.staff, ok=True, json={
            "topic_id": topic_id, "speaker_id": self.members[1], "kind": "question", "text": "经费从哪里来？"})
        await self.call("POST", "meeting", f"{base}/vote", as_=self.chair, ok=True, json={
            "text": text, "measures": [{"description": "落实方案", "responsible_party": "社区居委会", "deadline": deadline}]})
        for member_id, choice in zip(self.members, choices, strict=False):
            await self.call("POST", "meeting", f"{base}/votes", as_=self.chair, ok=True,
                            json={"member_id": member_id, "choice": choice})
        return await self.call("POST", "meeting", f"{base}/vote/closing", as_=self.chair)

    # 公开公示 / 组织落实
    async def board_status(self, topic_id: str) -> str | None:
        r = await self.call("GET", "publication", f"/communities/{self.code}/board")
        return next((t["status"] for t in r.json() if t["topic_id"] == topic_id), None)

    async def until_status(self, topic_id: str, status: str) -> None:
        await eventually(lambda: self.board_status(topic_id), lambda s: s == status, what=f"{topic_id} {status}")

    async def public_topic(self, topic_id: str) -> dict[str, Any]:
        return (await self.call("GET", "publication", f"/topics/{topic_id}", ok=True)).json()

    async def complete_tasks(self, topic_id: str) -> None:
        implementation = (await self.public_topic(topic_id))["implementation"]
        for task in implementation["tasks"]:
            if task["completed_at"] or task["round"] != implementation["round"]:
                continue
            await self.call("POST", "publication", f"/topics/{topic_id}/tasks/{task['task_id']}/progress", as_=self.staff,
                            ok=True, json={"text": "正在施工。", "percent": 50})
            await self.call("POST", "publication", f"/topics/{topic_id}/tasks/{task['task_id']}/completion",
                            as_=self.staff, ok=True)

    async def duplicates(self, receipt: dict[str, Any], n: int) -> list[str]:
        """Residents who submitted the same matter again: their topics merged into ``receipt``'s.
        Each keeps their own receipt code, which rates the topic they were merged into."""
        codes = [receipt["receipt_code"]]
        for i in range(n):
            again = await self.submit(f"{receipt['title']}（重复{i + 1}）", "同一件事情，另一位居民也提交了，请一并处理。")
            await self.awaiting(again["topic_id"])
            await self.call("POST", "council", f"/topics/{again['topic_id']}/screening", as_=self.chair, ok=True,
                            json={"outcome": "merged", "merged_into": receipt["topic_id"]})
            codes.append(again["receipt_code"])
        return codes

    async def rate(self, topic_id: str, codes: list[str], ratings: list[str]) -> None:
        """Residents rate by receipt code, one each (the topic's own and its merged duplicates')."""
        for code, rating in zip(codes, ratings, strict=True):
            await self.call("POST", "publication", f"/topics/{topic_id}/ratings", ok=True,
                            json={"rating": rating, "receipt_code": code})

    async def receipt(self, code: str) -> dict[str, Any]:
        return (await self.call("GET", "intake", f"/receipts/{code}", ok=True)).json()
