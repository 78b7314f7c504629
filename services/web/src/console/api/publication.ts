// Publication's staff side through the gateway: the board, one topic's disclosure and
// implementation, the commands of steps 5 and 6, and the task lists of a community or a prefix.
import { call } from "../../shared/api";
import { currentToken } from "../auth";
import { staffCommand } from "./client";

export interface BoardEntry {
  topic_id: string;
  title: string | null;
  status: string;
  status_zh: string;
  category_zh: string | null;
  resolution_text: string | null;
  disclosure_ends_at: string | null;
  implementation_round: number | null;
}

export interface Objection {
  objection_id: string;
  text: string;
  raised_at: string;
  assessed: boolean;
  substantive: boolean | null;
  assessment: string | null;
}

export interface TopicTask {
  task_id: string;
  round: number;
  description: string;
  responsible_party: string;
  deadline: string;
  percent: number;
  /** How many progress reports were made: the API gives their count, not their text. */
  progress_reports: number;
  completed_at: string | null;
  overdue: boolean;
}

export interface Ratings {
  satisfied: number;
  basically_satisfied: number;
  dissatisfied: number;
}

export interface TopicDetail extends BoardEntry {
  community_id: string;
  disclosure: {
    published_at: string;
    ends_at: string;
    accepts_objections: boolean;
    outcome: string | null;
    objections: Objection[];
  } | null;
  implementation: {
    round: number;
    status: string;
    completed_at: string | null;
    closed_at: string | null;
    tasks: TopicTask[];
    overdue_tasks: number;
    ratings: Ratings;
  } | null;
  escalation: { ground: string; kind?: string; summary?: string; addressee?: string; escalated_at: string | null } | null;
}

export interface TaskRow {
  task_id: string;
  topic_id: string;
  community_id: string;
  title: string | null;
  round: number;
  description: string;
  responsible_party: string;
  deadline: string;
  percent: number;
  completed_at: string | null;
  overdue: boolean;
  days_overdue: number;
}

/** One progress report on a task, or its completion (note null): staff only, the public page shows none. */
export interface ProgressEntry {
  at: string;
  /** The reporting account's id (the token names no one else); null for reports older than this list. */
  by: string | null;
  roles: string[];
  percent: number;
  note: string | null;
  completed: boolean;
}

export interface TaskHistory {
  task_id: string;
  round: number;
  description: string;
  deadline: string;
  percent: number;
  completed_at: string | null;
  entries: ProgressEntry[];
}

export const topicTasks = async (topicId: string) =>
  call<{ topic_id: string; round: number; status: string; tasks: TaskHistory[] }>(
    "publication", `/topics/${topicId}/tasks`, { token: await currentToken() });

export interface TaskList {
  within: string;
  total: number;
  next_offset: number | null;
  tasks: TaskRow[];
}

export interface Measure {
  description: string;
  responsible_party: string;
  deadline: string;
}

export const board = (community: string) => call<BoardEntry[]>("publication", `/communities/${community}/board`);

export const topic = (topicId: string) => call<TopicDetail>("publication", `/topics/${topicId}`);

/** `within`: a community's 12 digits, or a street's 9 / a district's 6 (then the prefix list). */
export async function tasks(within: string, query: { overdue?: boolean; limit?: number; offset?: number } = {}): Promise<TaskList> {
  const params = new URLSearchParams();
  if (query.overdue !== undefined) params.set("overdue", String(query.overdue));
  params.set("limit", String(query.limit ?? 100));
  if (query.offset) params.set("offset", String(query.offset));
  const base = within.length === 12 ? `/communities/${within}` : `/divisions/${within}`;
  return call<TaskList>("publication", `${base}/tasks?${params}`, { token: await currentToken() });
}

const command = <T>(path: string, key: string, body?: unknown): Promise<T> => staffCommand<T>("publication", path, key, body);

export const assess = (topicId: string, objectionId: string, substantive: boolean, reason: string, key: string) =>
  command(`/topics/${topicId}/objections/${objectionId}/assessment`, key, { substantive, reason });

export interface ProgressReported {
  task_id: string;
  percent: number;
  reported_at: string;
}

export const reportProgress = (topicId: string, taskId: string, text: string, percent: number, key: string) =>
  command<ProgressReported>(`/topics/${topicId}/tasks/${taskId}/progress`, key, { text, percent });

export const completeTask = (topicId: string, taskId: string, key: string) =>
  command(`/topics/${topicId}/tasks/${taskId}/completion`, key);

export const closeTopic = (topicId: string, key: string) => command(`/topics/${topicId}/closing`, key);

export const reopen = (topicId: string, reason: string, measures: Measure[], key: string) =>
  command(`/topics/${topicId}/reopening`, key, { reason, measures });

export const escalate = (topicId: string, body: { kind: string; summary: string; ground?: string; note?: string }, key: string) =>
  command(`/topics/${topicId}/escalation`, key, body);

export interface LedgerRow {
  code: string;
  name: string | null;
  level: string;
  figures: Record<string, number | null>;
}

/** The ledger (台账) of a division for a period: its own row and the divisions under it. */
export interface Ledger {
  division: string;
  level: string;
  name: string;
  period: string;
  period_zh: string;
  as_of: string;
  headers_zh: Record<string, string>;
  total: LedgerRow;
  levels: Record<string, LedgerRow[]>;
}

/** `division`: a 12-digit code or "city"; `period`: 2026, 2026-Q3 or 2026-11. */
export function ledgerPath(division: string, period: string, format: "json" | "csv" | "xlsx" = "json"): string {
  return `/ledger?${new URLSearchParams({ division, period, format })}`;
}

export const ledger = async (division: string, period: string) =>
  call<Ledger>("publication", ledgerPath(division, period), { token: await currentToken() });
