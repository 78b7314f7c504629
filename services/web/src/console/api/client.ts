import { ApiRefusal, call, type CallOptions, type Service } from "../../shared/api";
import { currentToken } from "../auth";

// A staff call: the session's bearer token on every request.
export async function staffCall<T>(service: Service, path: string, options: CallOptions = {}): Promise<T> {
  return call<T>(service, path, { ...options, token: await currentToken() });
}

/** A staff command (a POST): sent with the user action's Idempotency-Key (shared/once.ts), so a
 * retry or a second click of one action is carried out once by the API. */
export function staffCommand<T>(service: Service, path: string, idempotencyKey: string, body?: unknown): Promise<T> {
  return staffCall<T>(service, path, { method: "POST", body, idempotencyKey });
}

/** A file (a PDF, the ledger's Excel or CSV) only a signed-in user may read: fetched with the
 * bearer, then saved by the browser. */
export async function downloadPdf(service: Service, path: string, filename: string): Promise<void> {
  const response = await fetch(`/api/${service}${path}`, { headers: { Authorization: `Bearer ${await currentToken()}` } });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string; message_zh?: string };
    throw new ApiRefusal(response.status, body.error ?? `http_${response.status}`,
      body.message_zh ?? `文件暂时无法下载（${response.status}），请稍后重试`);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href: url, download: filename });
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
