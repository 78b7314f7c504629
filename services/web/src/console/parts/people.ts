import type { ComputedRef, InjectionKey } from "vue";
import type { Meeting, Roster } from "../api/meeting";
import { INVITEE_KINDS, nameOf } from "../names";

// Everyone a meeting knows by id — the chair, the fixed members, the invitees (X) — with the
// name a recorder recognises, and whether they are in the room now.
export interface Person {
  id: string;
  name: string;
  role: "chair" | "fixed_member" | "invitee";
  roleZh: string;
  present: boolean;
}

export const PEOPLE: InjectionKey<ComputedRef<Person[]>> = Symbol("meeting people");

export function peopleOf(meeting: Meeting, roster: Roster | null): Person[] {
  const here = new Set(meeting.attendance.present.map((p) => p.person_id));
  // The names the meeting kept first (they stay right when the roster changes later), then the roster's.
  const named = new Map([...(roster?.fixed_members ?? []), ...meeting.invited.named].map((m) => [m.member_id, m.name]));
  const rosterChair = roster?.chair_id === meeting.chair_id ? roster?.chair_name : null;
  const chair: Person = {
    id: meeting.chair_id, name: meeting.chair_name ?? rosterChair ?? named.get(meeting.chair_id) ?? meeting.chair_id,
    role: "chair", roleZh: "主席", present: here.has(meeting.chair_id),
  };
  const fixed = meeting.invited.fixed_members
    .filter((id) => id !== meeting.chair_id)
    .map((id): Person => ({ id, name: named.get(id) ?? id, role: "fixed_member", roleZh: "固定成员", present: here.has(id) }));
  const guests = meeting.invited.invitees.map((g): Person => ({
    id: g.person_id, name: g.description, role: "invitee", roleZh: nameOf(INVITEE_KINDS, g.kind), present: here.has(g.person_id),
  }));
  return [chair, ...fixed, ...guests];
}

export function nameIn(people: Person[], id: string | null): string {
  return people.find((p) => p.id === id)?.name ?? id ?? "";
}
