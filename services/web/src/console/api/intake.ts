import { staffCall } from "./client";

export interface StaffFiling {
  community_id: string;
  title: string;
  description: string;
  location?: string;
  source: string;
  channel: string;
  contact?: { name?: string; phone?: string };
}

/** 代为登记: the key makes a resend after a lost answer return the same receipt. */
export const fileOnBehalf = (filing: StaffFiling, idempotencyKey: string) =>
  staffCall<{ topic_id: string; receipt_code: string; message_zh: string }>("intake", "/staff/topics", { body: filing, idempotencyKey });
