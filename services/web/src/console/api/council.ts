import { staffCall } from "./client";

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
export const formCouncil = (community: string) => staffCall<Council>("council", "/councils", { body: { community_id: community } });
export const appointChair = (council: string, chair: { member_id: string; name: string }) =>
  staffCall<Council>("council", `/councils/${council}/chair`, { method: "PUT", body: chair });
export const nominate = (council: string, nomination: Nomination) =>
  staffCall<Council>("council", `/councils/${council}/members`, { body: nomination });
export const confirm = (council: string, member: string) =>
  staffCall<Council>("council", `/councils/${council}/members/${encodeURIComponent(member)}/confirmation`, { method: "POST" });

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
const research = (id: string, step: string, body?: unknown, method: "POST" | "PUT" = "POST") =>
  staffCall<Step>("council", `/topics/${id}/research/${step}`, { method, body });
export const assign = (id: string, memberIds: string[]) => research(id, "researchers", { member_ids: memberIds });
export const recordVisit = (id: string, visit: { visited_on: string; place: string; notes: string }) => research(id, "visits", visit);
export const recordFindings = (id: string, findings: { findings: string; feasibility: string }) => research(id, "findings", findings);
export const draftPlan = (id: string, plan: { plan: string; invitees: Invitee[] }) => research(id, "plan", plan, "PUT");
export const completeResearch = (id: string) => staffCall<unknown>("council", `/topics/${id}/research/completion`, { method: "POST" });

export interface Template {
  name: string;
  kind: "rejection" | "return";
  text: string;
  reason: string | null;
  referral: string | null;
}
export const templatesOf = (community: string) =>
  staffCall<{ templates: Template[] }>("council", `/communities/${community}/screening-templates`);
export const saveTemplate = (community: string, template: Template) =>
  staffCall<Template>("council", `/communities/${community}/screening-templates`, { body: template });
export interface BatchResult {
  topic_id: string;
  screened: boolean;
  message_zh?: string;
}
export const screenBatch = (community: string, screenings: ({ topic_id: string } & Record<string, unknown>)[]) =>
  staffCall<{ screened: number; refused: number; results: BatchResult[] }>(
    "council", `/communities/${community}/screenings`, { body: { screenings } });
