// Calls to the four services through the gateway (/api/<service>/...), one origin, no CORS.
// Every refusal has the kit's shape {error, message_zh, message_en, fields?}: ApiRefusal
// carries it so a page can show message_zh next to what caused it.

export type Service = "intake" | "council" | "meeting" | "publication";

export interface RefusalField {
  field: string;
  message_zh: string;
  message_en: string;
}

export class ApiRefusal extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly messageZh: string,
    readonly fields: RefusalField[] = [],
  ) {
    super(messageZh);
  }
}

export interface CallOptions {
  method?: "GET" | "POST" | "PUT";
  body?: unknown;
  /** A CSV body sent as it is (text/csv) instead of JSON: a file's own bytes, whatever its encoding. */
  csv?: string | Blob;
  token?: string | null;
  idempotencyKey?: string;
}

/** Answers after which a keyed command is sent again by itself: the gateway or the service was
 * briefly away. With its Idempotency-Key the API carries it out once however often it arrives. */
const RETRIED_STATUSES = new Set([502, 503, 504]);
const RETRY_DELAYS_MS = [500, 1500];

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function send(url: string, request: RequestInit, retries: number[]): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(url, request);
      if (!RETRIED_STATUSES.has(response.status) || attempt >= retries.length) return response;
    } catch {
      if (attempt >= retries.length) throw new ApiRefusal(0, "network", "网络连接失败，请检查网络后重试");
    }
    await pause(retries[attempt]);
  }
}

export async function call<T>(service: Service, path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (options.csv !== undefined) headers["Content-Type"] = "text/csv; charset=utf-8";
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.idempotencyKey) headers["Idempotency-Key"] = options.idempotencyKey;
  const request: RequestInit = {
    method: options.method ?? (options.body === undefined && options.csv === undefined ? "GET" : "POST"),
    headers,
    body: options.csv ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  };
  const response = await send(`/api/${service}${path}`, request, options.idempotencyKey ? RETRY_DELAYS_MS : []);
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const body = (data ?? {}) as Partial<{ error: string; message_zh: string; fields: RefusalField[] }>;
    throw new ApiRefusal(
      response.status,
      body.error ?? `http_${response.status}`,
      body.message_zh ?? `服务暂时不可用（${response.status}），请稍后重试`,
      body.fields ?? [],
    );
  }
  return data as T;
}

export function refusalText(error: unknown): string {
  return error instanceof ApiRefusal ? error.messageZh : "发生未知错误，请稍后重试";
}
