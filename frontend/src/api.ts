// One client for the REST API (docs/api.md): cookies for the session, the CSRF header on
// writes, If-Match on every write to a map or workspace, and one error type built from
// the server's JSON error envelope.

export interface Diagnostic { file?: string | null; line?: number | null; column?: number | null; message: string; hint?: string | null; [k: string]: unknown }

export class ApiError extends Error {
  constructor(
    public status: number,
    public type: string,
    message: string,
    public diagnostics: Diagnostic[] = [],
    public details: Record<string, unknown> | null = null,
  ) {
    super(message);
  }
  /** True when the write was refused because someone else changed the document first. */
  get stale(): boolean {
    return this.status === 409;
  }
}

/** The CSRF token the server set as a cookie, sent on every write. */
export function csrfToken(): string {
  const match = document.cookie.match(/(?:^|;\s*)journeyline_csrf=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export interface Reply<T> { data: T; etag: number | null; response: Response }

export interface RequestOptions {
  method?: string;
  body?: unknown; // JSON-encoded unless it is FormData
  ifMatch?: number | null;
  query?: Record<string, string | number | boolean | null | undefined>;
  headers?: Record<string, string>;
  raw?: boolean; // return the Response untouched (downloads)
  /** Let the request finish when the page is left (a save on its way); only small bodies. */
  keepalive?: boolean;
}

/** Browsers refuse keepalive requests whose bodies together pass 64 KiB: larger ones go without. */
const KEEPALIVE_BODY_LIMIT = 48 * 1024;

/** Calls the API; throws ApiError with the server's message on any non-2xx answer. */
export async function request<T = unknown>(path: string, options: RequestOptions = {}): Promise<Reply<T>> {
  const method = options.method ?? "GET";
  let url = path;
  if (options.query) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(options.query)) if (v !== null && v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    if (qs) url += (url.includes("?") ? "&" : "?") + qs;
  }
  const headers: Record<string, string> = { Accept: "application/json", ...(options.headers ?? {}) };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) body = options.body;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["Content-Type"] = "application/json";
  }
  if (method !== "GET" && method !== "HEAD") headers["X-CSRF-Token"] = csrfToken();
  if (options.ifMatch !== undefined && options.ifMatch !== null) headers["If-Match"] = `"${options.ifMatch}"`;
  let response: Response;
  try {
    const keepalive = !!options.keepalive && (body === undefined || (typeof body === "string" && new Blob([body]).size <= KEEPALIVE_BODY_LIMIT));
    response = await fetch(url, { method, headers, body, credentials: "same-origin", keepalive });
  } catch {
    throw new ApiError(0, "NetworkError", "The server did not answer. Check that Journeyline is still running, then try again.");
  }
  const tag = response.headers.get("ETag");
  const etag = tag ? Number(tag.replace(/^W\//, "").replace(/"/g, "")) : null;
  if (!response.ok) {
    let envelope: { error?: { status: number; type: string; message: string; diagnostics?: Diagnostic[]; details?: Record<string, unknown> } } = {};
    try {
      envelope = await response.json();
    } catch {
      /* not JSON: fall through to the status text */
    }
    const e = envelope.error;
    throw new ApiError(response.status, e?.type ?? "HTTPError", e?.message ?? `${response.status} ${response.statusText}`, e?.diagnostics ?? [], e?.details ?? null);
  }
  if (options.raw) return { data: undefined as T, etag, response };
  const data = response.status === 204 ? (undefined as T) : ((await response.json()) as T);
  return { data, etag, response };
}

export const api = {
  get: <T>(path: string, query?: RequestOptions["query"]) => request<T>(path, { query }),
  post: <T>(path: string, body?: unknown, options: Omit<RequestOptions, "method" | "body"> = {}) => request<T>(path, { ...options, method: "POST", body }),
  patch: <T>(path: string, body: unknown, options: Omit<RequestOptions, "method" | "body"> = {}) => request<T>(path, { ...options, method: "PATCH", body }),
  put: <T>(path: string, body: unknown, options: Omit<RequestOptions, "method" | "body"> = {}) => request<T>(path, { ...options, method: "PUT", body }),
  del: <T>(path: string, options: Omit<RequestOptions, "method" | "body"> = {}) => request<T>(path, { ...options, method: "DELETE" }),
};

/** Paths of the API, in one place. */
export const paths = {
  workspaces: () => "/api/workspaces",
  workspace: (w: string) => `/api/workspaces/${enc(w)}`,
  maps: (w: string) => `/api/workspaces/${enc(w)}/maps`,
  map: (w: string, m: string) => `/api/workspaces/${enc(w)}/maps/${enc(m)}`,
  elements: (w: string, m: string, kind: MapElementKind) => `/api/workspaces/${enc(w)}/maps/${enc(m)}/${kind}`,
  element: (w: string, m: string, kind: MapElementKind, id: string) => `/api/workspaces/${enc(w)}/maps/${enc(m)}/${kind}/${enc(id)}`,
  workspaceElements: (w: string, kind: WorkspaceElementKind) => `/api/workspaces/${enc(w)}/${kind}`,
  workspaceElement: (w: string, kind: WorkspaceElementKind, id: string) => `/api/workspaces/${enc(w)}/${kind}/${enc(id)}`,
  comments: (w: string, m: string) => `/api/workspaces/${enc(w)}/maps/${enc(m)}/comments`,
  comment: (w: string, m: string, c: string) => `/api/workspaces/${enc(w)}/maps/${enc(m)}/comments/${enc(c)}`,
  votes: (w: string, m: string) => `/api/workspaces/${enc(w)}/maps/${enc(m)}/votes`,
  vote: (w: string, m: string, target: string) => `/api/workspaces/${enc(w)}/maps/${enc(m)}/votes/${enc(target)}`,
  revisions: (w: string, m: string) => `/api/workspaces/${enc(w)}/maps/${enc(m)}/revisions`,
  revision: (w: string, m: string, n: number) => `/api/workspaces/${enc(w)}/maps/${enc(m)}/revisions/${n}`,
  restore: (w: string, m: string, n: number) => `/api/workspaces/${enc(w)}/maps/${enc(m)}/revisions/${n}/restore`,
  revisionLabel: (w: string, m: string, n: number) => `/api/workspaces/${enc(w)}/maps/${enc(m)}/revisions/${n}/label`,
  diff: (w: string, m: string) => `/api/workspaces/${enc(w)}/maps/${enc(m)}/diff`,
  analysis: (w: string, m: string) => `/api/workspaces/${enc(w)}/maps/${enc(m)}/analysis`,
  priorities: (w: string, m: string) => `/api/workspaces/${enc(w)}/maps/${enc(m)}/priorities`,
  summary: (w: string, m: string) => `/api/workspaces/${enc(w)}/maps/${enc(m)}/summary`,
  compare: (w: string, m: string) => `/api/workspaces/${enc(w)}/maps/${enc(m)}/compare`,
  exportMap: (w: string, m: string) => `/api/workspaces/${enc(w)}/maps/${enc(m)}/export`,
  render: (w: string, m: string, fmt: "svg" | "png" | "pdf") => `/api/workspaces/${enc(w)}/maps/${enc(m)}/render.${fmt}`,
  shareLinks: (w: string, m: string) => `/api/workspaces/${enc(w)}/maps/${enc(m)}/share-links`,
  shareLink: (w: string, m: string, id: string) => `/api/workspaces/${enc(w)}/maps/${enc(m)}/share-links/${enc(id)}`,
  members: (w: string) => `/api/workspaces/${enc(w)}/members`,
  member: (w: string, a: string) => `/api/workspaces/${enc(w)}/members/${enc(a)}`,
  importInto: (w: string) => `/api/workspaces/${enc(w)}/import`,
  exportWorkspace: (w: string) => `/api/workspaces/${enc(w)}/export`,
  shared: (token: string) => `/api/shared/${enc(token)}`,
  me: () => "/api/me",
  notifications: () => "/api/notifications",
  notificationsRead: () => "/api/notifications/read",
  signIn: () => "/api/auth/sign-in",
  signOut: () => "/api/auth/sign-out",
  templates: () => "/api/templates",
  formats: () => "/api/formats",
};

export type MapElementKind = "stages" | "steps" | "pain_points" | "opportunities" | "evidence";
export type WorkspaceElementKind = "segments" | "personas" | "lanes" | "evidence";

function enc(s: string): string {
  return encodeURIComponent(s);
}
