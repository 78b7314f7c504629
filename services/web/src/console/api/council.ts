import { staffCall, staffCommand } from "./client";

// The council service's calls behind the council, research and screening screens.

export interface Member {
  member_id: string;
  name: string;
  category: string;
  term_start: string;
  term_end: string;
  confirmed: boolean;
  left_on: string | null;
  serving: boolean;
}
export interface Council {
  council_id: string;
  community_id: string;
  chair: { member_id: string; name: string } | null;
  members: Member[];
  readiness: { can_act: boolean; confirmed_members: number; cppcc_members: number; members_missing: number; missing_zh: string[] };
}
export interface Nomination {
  member_id: string;
  name: string;
  category: string;
  term_start: string;
  term_end: string;
}

export const councilOf = (community: string) => staffCall<Council>("council", `/communities/${community}/council`);
export const formCouncil = (community: string, key: string) =>
  staffCommand<Council>("council", "/councils", key, { community_id: community });
export const appointChair = (council: string, chair: { member_id: string; name: string }) =>
  staffCall<Council>("council", `/councils/${council}/chair`, { method: "PUT", body: chair });
export const nominate = (council: string, nomination: Nomination, key: string) =>
  staffCommand<Council>("council", `/councils/${council}/members`, key, nomination);
export const confirm = (council: string, member: string, key: string) =>
  staffCommand<Council>("council", `/councils/${council}/members/${encodeURIComponent(member)}/confirmation`, key);

export interface ListedTopic {
  topic_id: string;
  title: string;
  status: string;
  status_zh: string;
  category_zh: string | null;
  source_zh: string;
  channel_zh: string;
  submitted_at: string;
}
export const topicsOf = (community: string, statuses: string[]) =>
  staffCall<{ total: number; topics: ListedTopic[] }>(
    "council", `/communities/${community}/topics?status=${statuses.join(",")}&sort=oldest&limit=100`);

export interface Invitee {
  kind: string;
  description: string;
}
export interface Research {
  researchers: string[];
  site_visits: { visited_on: string; place: string; notes: string }[];
  findings: string | null;
  feasibility: string | null;
  consultation_plan: string | null;
  invitees: Invitee[];
  completed: boolean;
}
export interface CouncilTopic {
  topic_id: string;
  community_id: string;
  title: string;
  description: string;
  location: string | null;
  status: string;
  decision: { category?: string } | null;
  research: Research | null;
}
export const topic = (id: string) => staffCall<CouncilTopic>("council", `/topics/${id}`);

type Step = { topic_id: string; research: Research };
const research = (id: string, step: string, key: string, body?: unknown) =>
  staffCommand<Step>("council", `/topics/${id}/research/${step}`, key, body);
export const assign = (id: string, memberIds: string[], key: string) => research(id, "researchers", key, { member_ids: memberIds });
export const recordVisit = (id: string, visit: { visited_on: string; place: string; notes: string }, key: string) =>
  research(id, "visits", key, visit);
export const recordFindings = (id: string, findings: { findings: string; feasibility: string }, key: string) =>
  research(id, "findings", key, findings);
export const draftPlan = (id: string, plan: { plan: string; invitees: Invitee[] }) =>
  staffCall<Step>("council", `/topics/${id}/research/plan`, { method: "PUT", body: plan });
export const completeResearch = (id: string, key: string) =>
  staffCommand<unknown>("council", `/topics/${id}/research/completion`, key);

export interface Template {
  name: string;
  kind: "rejection" | "return";
  text: string;
  reason: string | null;
  referral: string | null;
}
export const templatesOf = (community: string) =>
  staffCall<{ templates: Template[] }>("council", `/communities/${community}/screening-templates`);
export const saveTemplate = (community: string, template: Template, key: string) =>
  staffCommand<Template>("council", `/communities/${community}/screening-templates`, key, template);
export interface BatchResult {
  topic_id: string;
  screened: boolean;
  message_zh?: string;
}
export const screenBatch = (community: string, screenings: ({ topic_id: string } & Record<string, unknown>)[], key: string) =>
  staffCommand<{ screened: number; refused: number; results: BatchResult[] }>(
    "council", `/communities/${community}/screenings`, key, { screenings });
