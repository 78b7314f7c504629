// Council's office side: the registry (行政区划), the settings per division, and the topic
// lists of a community or a street's / district's prefix.
import { call } from "../../shared/api";
import { currentToken } from "../auth";

export interface Division {
  code: string;
  level: string;
  level_zh: string;
  name: string;
  parent_code: string | null;
  active: boolean;
}

export interface DivisionPage {
  total: number;
  page: number;
  size: number;
  items: Division[];
}

export interface RefusedLine {
  line: number;
  code: string | null;
  message_zh: string;
  message_en: string;
}

export interface ImportReport {
  summary: { lines: number; added: number; renamed: number; unchanged: number; refused: number };
  added: { line: number; code: string; name: string }[];
  renamed: { line: number; code: string; name: string }[];
  refused: RefusedLine[];
}

export interface Inherited {
  value: number | string | null;
  source: string;
  source_zh: string;
  code: string | null;
}

export const SETTING_NAMES = ["disclosure_days", "quorum", "adoption", "overdue_grace_days"] as const;
export type SettingName = (typeof SETTING_NAMES)[number];
export type OwnSettings = Record<SettingName, number | string | null>;

export interface SettingsView {
  code: string;
  name: string;
  level: string;
  at: string;
  effective: Record<SettingName, Inherited>;
  own: OwnSettings;
  upcoming: (OwnSettings & { effective_from: string })[];
}

export interface ListedTopic {
  topic_id: string;
  community_id: string;
  title: string;
  status: string;
  status_zh: string;
  category_zh: string | null;
  submitted_at: string;
}

export interface TopicList {
  within: string;
  total: number;
  topics: ListedTopic[];
}

/** The 12-digit code of a division whose claim is a prefix: a street 330102001 → 330102001000. */
export function divisionCode(prefix: string): string {
  return prefix.padEnd(12, "0");
}

export function searchDivisions(query: { under?: string; level?: string; q?: string; page?: number; size?: number; includeRetired?: boolean }) {
  const params = new URLSearchParams();
  if (query.under) params.set("under", query.under);
  if (query.level) params.set("level", query.level);
  if (query.q) params.set("q", query.q);
  if (query.includeRetired) params.set("include_retired", "true");
  params.set("page", String(query.page ?? 1));
  params.set("size", String(query.size ?? 50));
  return call<DivisionPage>("council", `/divisions?${params}`);
}

export async function importCsv(file: string | Blob, idempotencyKey: string): Promise<ImportReport> {
  return call<ImportReport>("council", "/divisions/import", { method: "POST", csv: file, token: await currentToken(), idempotencyKey });
}

export async function rename(code: string, name: string): Promise<Division> {
  return call<Division>("council", `/divisions/${code}/name`, { method: "PUT", body: { name }, token: await currentToken() });
}

export async function retire(code: string, reason: string, idempotencyKey: string): Promise<Division> {
  return call<Division>("council", `/divisions/${code}/retirement`, { body: { reason }, token: await currentToken(), idempotencyKey });
}

export const settingsOf = (code: string) => call<SettingsView>("council", `/divisions/${code}/settings`);

export async function changeSettings(code: string, own: OwnSettings & { effective_from?: string }): Promise<SettingsView> {
  return call<SettingsView>("council", `/divisions/${code}/settings`, { method: "PUT", body: own, token: await currentToken() });
}

/** A community's topics (12 digits) or those under a street's / district's prefix; `status` a comma list. */
export async function topics(within: string, query: { status?: string; limit?: number } = {}): Promise<TopicList> {
  const params = new URLSearchParams({ limit: String(query.limit ?? 1) });
  if (query.status) params.set("status", query.status);
  const base = within.length === 12 ? `/communities/${within}` : `/divisions/${within}`;
  return call<TopicList>("council", `${base}/topics?${params}`, { token: await currentToken() });
}
