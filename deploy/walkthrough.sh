#!/usr/bin/env bash
# A community worker's walk through the six steps (六步议事程序) on a running dev stack
# (`deploy/dev up` first). Every call is plain HTTP; tokens come from `yishi token`.
# Usage: deploy/walkthrough.sh [community-code]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY="$ROOT/.venv/bin/python"
eval "$("$PY" -m deploy.localstack env)"
C=${1:-330102001051}  # a registered community (see the README's registry example)
INTAKE=http://127.0.0.1:8001 COUNCIL=http://127.0.0.1:8002 MEETING=http://127.0.0.1:8003 PUBLICATION=http://127.0.0.1:8004

token() { "$PY" -m services.system.cli token --sub "$1" --role "$2" --scope "$C" 2>/dev/null; }
field() { "$PY" -c "import json,sys; print(json.load(sys.stdin)$1)"; }
say() { printf '\n== %s\n' "$*"; }
call() {  # call METHOD URL TOKEN [JSON]
    local args=(-sS -X "$1" "$2" -H 'content-type: application/json')
    [ -n "$3" ] && args+=(-H "authorization: Bearer $3")
    [ $# -ge 4 ] && args+=(-d "$4")
    curl "${args[@]}" -w '\n'
}

PARTY=$(token "party-$C" party_committee); CHAIR=$(token "chair-$C" council_chair); STAFF=$(token "staff-$C" staff)
TODAY=$(date +%F); LATER=$(date -d '+3 years' +%F); START=$(date -d '-30 days' +%F); DEADLINE=$(date -d '+30 days' +%F)

say "谁来协商 — the party committee forms the 1+7+X council (once per community)"
COUNCIL_ID=$(call GET "$COUNCIL/communities/$C/council" "$STAFF" | field '.get("council_id", "")')
if [ -z "$COUNCIL_ID" ]; then
    COUNCIL_ID=$(call POST "$COUNCIL/councils" "$PARTY" "{\"community_id\":\"$C\"}" | field '["council_id"]')
    call PUT "$COUNCIL/councils/$COUNCIL_ID/chair" "$PARTY" '{"member_id":"chair-'"$C"'","name":"李书记"}' >/dev/null
    CATS=(cppcc_member two_committees owners_committee resident_representative health_station resident_representative two_committees)
    for i in 0 1 2 3 4 5 6; do
        call POST "$COUNCIL/councils/$COUNCIL_ID/members" "$PARTY" \
            "{\"member_id\":\"m$i-$C\",\"name\":\"成员$i\",\"category\":\"${CATS[$i]}\",\"term_start\":\"$START\",\"term_end\":\"$LATER\"}" >/dev/null
        call POST "$COUNCIL/councils/$COUNCIL_ID/members/m$i-$C/confirmation" "$PARTY" >/dev/null
    done
fi
call GET "$COUNCIL/councils/$COUNCIL_ID" "$STAFF" | field '["readiness"]'

say "1 收集议题 — a resident submits online and keeps the receipt code"
RECEIPT=$(call POST "$INTAKE/topics" "" '{"community_id":"'"$C"'","title":"中山街学生上下学道路拥堵","description":"每天早晚中山街小学门口接送车辆拥堵，孩子过马路很危险。"}')
echo "$RECEIPT"
TOPIC=$(echo "$RECEIPT" | field '["topic_id"]'); CODE=$(echo "$RECEIPT" | field '["receipt_code"]')
sleep 2

say "2 确定议题 — the chair screens it (accepted as road traffic)"
call GET "$COUNCIL/communities/$C/awaiting-screening" "$STAFF" | field '["total"]'
call POST "$COUNCIL/topics/$TOPIC/screening" "$CHAIR" '{"outcome":"accepted","category":"road_traffic"}' | field '["decision"]'

say "3 议前调研 — two fixed members research it (不调研不协商)"
M0=$(token "m0-$C" council_member)
call POST "$COUNCIL/topics/$TOPIC/research/researchers" "$CHAIR" '{"member_ids":["m0-'"$C"'","m1-'"$C"'"]}' >/dev/null
call POST "$COUNCIL/topics/$TOPIC/research/visits" "$M0" '{"visited_on":"'"$TODAY"'","place":"中山街小学门口","notes":"早高峰7:30-8:00拥堵最严重，家长车辆占道。"}' >/dev/null
call POST "$COUNCIL/topics/$TOPIC/research/findings" "$M0" '{"findings":"拥堵主要因接送车辆临时停靠。","feasibility":"feasible"}' >/dev/null
call PUT "$COUNCIL/topics/$TOPIC/research/plan" "$M0" '{"plan":"设置限时停靠区，错峰放学，志愿者引导。","invitees":[{"kind":"stakeholder","description":"学校和家长代表"},{"kind":"community_station","description":"交警中队"}]}' >/dev/null
call POST "$COUNCIL/topics/$TOPIC/research/completion" "$M0" | field '["type"]' 2>/dev/null || true
sleep 2

say "4 组织协商 — the chair convenes, staff record attendance and minutes, the council votes"
WHEN=$(date -d '+1 hour' --iso-8601=seconds)
MEETING_ID=$(call POST "$MEETING/meetings" "$CHAIR" '{"community_id":"'"$C"'","scheduled_for":"'"$WHEN"'","agenda":["'"$TOPIC"'"]}' | field '["meeting_id"]')
for i in 0 1 2 3 4 5; do call POST "$MEETING/meetings/$MEETING_ID/attendance" "$STAFF" '{"person_id":"m'"$i-$C"'","movement":"arrived"}' >/dev/null; done
call POST "$MEETING/meetings/$MEETING_ID/opening" "$CHAIR" >/dev/null
call POST "$MEETING/meetings/$MEETING_ID/minutes" "$STAFF" '{"topic_id":"'"$TOPIC"'","speaker_id":"m0-'"$C"'","kind":"statement","text":"介绍调研情况和议事方案。"}' >/dev/null
call POST "$MEETING/meetings/$MEETING_ID/topics/$TOPIC/vote" "$CHAIR" '{"text":"同意设置限时停靠区并错峰放学。","measures":[{"description":"施划限时停靠区","responsible_party":"社区居委会","deadline":"'"$DEADLINE"'"}]}' >/dev/null
for i in 0 1 2 3 4; do call POST "$MEETING/meetings/$MEETING_ID/topics/$TOPIC/votes" "$CHAIR" '{"member_id":"m'"$i-$C"'","choice":"in_favour"}' >/dev/null; done
call POST "$MEETING/meetings/$MEETING_ID/topics/$TOPIC/votes" "$CHAIR" '{"member_id":"m5-'"$C"'","choice":"abstain"}' >/dev/null
call POST "$MEETING/meetings/$MEETING_ID/topics/$TOPIC/vote/closing" "$CHAIR" | field '["message_zh"]'
call POST "$MEETING/meetings/$MEETING_ID/closing" "$CHAIR" >/dev/null
sleep 3

say "5 公开公示 — on the public board for objections (7 days by default)"
call GET "$PUBLICATION/communities/$C/board" "" | field '[0]["status_zh"]'
echo "board page: $PUBLICATION/communities/$C/board.html"

say "The resident follows it with the receipt code $CODE"
call GET "$INTAKE/receipts/$CODE" "" | field '["history"]' | tr ',' '\n' | grep -o "'label_zh': '[^']*'"
say "6 组织落实 — after the period: staff report progress and complete tasks, residents rate, staff close (see README)"
