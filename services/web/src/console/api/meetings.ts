// The meeting service's lists of meetings (会议清单) of a community, or of a street's or a
// district's communities (a 9- or 6-digit prefix): their totals, and a division's pages.
import { call } from "../../shared/api";
import { currentToken } from "../auth";

const base = (within: string) => (within.length === 12 ? `/communities/${within}` : `/divisions/${within}`);

export async function meetingCount(within: string): Promise<number> {
  const list = await call<{ total: number }>("meeting", `${base(within)}/meetings?limit=1`, { token: await currentToken() });
  return list.total;
}

export interface DivisionMeeting {
  meeting_id: string;
  community_id: string;
  community_path: string | null;
  scheduled_for: string;
  place: string;
  status_zh: string;
  agenda: { topic_id: string; title: string | null; outcome_zh: string }[];
}

export interface DivisionMeetings {
  within: string;
  total: number;
  next_offset: number | null;
  meetings: DivisionMeeting[];
}

/** A street's or district's meetings, newest first; days are China-time dates (YYYY-MM-DD). */
export async function divisionMeetings(
  prefix: string, query: { held_from?: string; held_to?: string; limit: number; offset: number },
): Promise<DivisionMeetings> {
  const params = new URLSearchParams({ limit: String(query.limit), offset: String(query.offset) });
  if (query.held_from) params.set("held_from", query.held_from);
  if (query.held_to) params.set("held_to", query.held_to);
  return call<DivisionMeetings>("meeting", `/divisions/${prefix}/meetings?${params}`, { token: await currentToken() });
}
