import { downloadPdf, staffCall, staffCommand } from "./client";

// The meeting service's calls behind the meetings screens.

export interface Candidate {
  topic_id: string;
  title: string | null;
  consultation_plan: string;
  invitees: { kind: string; description: string }[];
}
export interface ListedMeeting {
  meeting_id: string;
  scheduled_for: string;
  place: string;
  status: string;
  status_zh: string;
  agenda: { topic_id: string; title: string | null; outcome_zh: string }[];
}
export interface Measure {
  description: string;
  responsible_party: string;
  deadline: string;
}
export interface AgendaItem {
  topic_id: string;
  title: string | null;
  status: string;
  motion: { text: string; measures: Measure[] } | null;
  votes: { member_id: string; choice: string }[];
  tally: Record<string, number> | null;
  vote_result: { voting_present: number; adopted: boolean } | null;
  dissent: { member_id: string | null; opinion: string }[];
  outcome: string | null;
  resolution?: { text: string; measures: Measure[]; method: "consensus" | "vote"; tally: Record<string, number> | null };
  reason?: string;
}
export interface Meeting {
  meeting_id: string;
  community_id: string;
  chair_id: string;
  /** The chair's name as the roster had it at convening (null for meetings from before it was kept). */
  chair_name: string | null;
  scheduled_for: string;
  place: string;
  status: string;
  rules: { quorum: string; adoption: string };
  invited: {
    fixed_members: string[];
    /** The fixed members' names as the roster had them when invited. */
    named: { member_id: string; name: string; category: string }[];
    invitees: { person_id: string; topic_id: string; kind: string; description: string }[];
  };
  attendance: {
    fixed_members_total: number;
    fixed_members_present: number;
    invitees_present: number;
    chair_present: boolean;
    quorum_required: number;
    quorum_met: boolean;
    present: { person_id: string; role: string }[];
  };
  agenda: AgendaItem[];
  minutes: { number: number; topic_id: string; speaker_id: string; kind: string; text: string; at: string }[];
}
export interface Roster {
  chair_id: string | null;
  chair_name: string | null;
  fixed_members: { member_id: string; name: string; category: string }[];
}

export const readyForAgenda = (community: string) => staffCall<Candidate[]>("meeting", `/communities/${community}/ready-for-agenda`);
export const meetingsOf = (community: string) =>
  staffCall<{ total: number; meetings: ListedMeeting[] }>("meeting", `/communities/${community}/meetings?limit=50`);
export const roster = (community: string) => staffCall<Roster>("meeting", `/communities/${community}/roster`);
export const convene = (body: { community_id: string; scheduled_for: string; place: string; agenda: string[] }, key: string) =>
  staffCommand<Meeting>("meeting", "/meetings", key, body);
export const meeting = (id: string) => staffCall<Meeting>("meeting", `/meetings/${id}`);

const post = <T = Meeting>(id: string, path: string, key: string, body?: unknown) =>
  staffCommand<T>("meeting", `/meetings/${id}${path}`, key, body);
export const invite = (id: string, body: { fixed_members: string[]; invitees: { topic_id: string; kind: string; description: string }[] },
  key: string) => post(id, "/invitations", key, body);
export const attend = (id: string, person: string, movement: "arrived" | "left", key: string) =>
  post(id, "/attendance", key, { person_id: person, movement });
export const openMeeting = (id: string, key: string) => post(id, "/opening", key);
export const closeMeeting = (id: string, key: string) => post(id, "/closing", key);
export const recordMinutes = (id: string, entry: { topic_id: string; speaker_id: string; kind: string; text: string }, key: string) =>
  post(id, "/minutes", key, entry);

const onTopic = <T = Meeting>(id: string, topic: string, path: string, key: string, body?: unknown) =>
  post<T>(id, `/topics/${topic}${path}`, key, body);
export const adoptByConsensus = (id: string, topic: string, body: { text: string; measures: Measure[] }, key: string) =>
  onTopic(id, topic, "/consensus", key, body);
export const openVote = (id: string, topic: string, body: { text: string; measures: Measure[] }, key: string) =>
  onTopic(id, topic, "/vote", key, body);
export const castVote = (id: string, topic: string, member: string, choice: string, key: string) =>
  onTopic(id, topic, "/votes", key, { member_id: member, choice });
export const closeVote = (id: string, topic: string, key: string) =>
  onTopic<Meeting & { adopted: boolean; message_zh: string }>(id, topic, "/vote/closing", key);
export const recordDissent = (id: string, topic: string, member: string, opinion: string, key: string) =>
  onTopic(id, topic, "/dissent", key, { member_id: member, opinion });
export const defer = (id: string, topic: string, reason: string, key: string) => onTopic(id, topic, "/deferral", key, { reason });
export const drop = (id: string, topic: string, reason: string, key: string) => onTopic(id, topic, "/dropping", key, { reason });

export const minutesPdf = (id: string) => downloadPdf("meeting", `/meetings/${id}/minutes.pdf`, `会议纪要-${id.slice(0, 8)}.pdf`);
export const resolutionPdf = (id: string, topic: string) =>
  downloadPdf("meeting", `/meetings/${id}/topics/${topic}/resolution.pdf`, `协商议事决议-${topic.slice(0, 8)}.pdf`);
