/**
 * Shared set-up of the API tests: a real Worker (workerd) over a fresh database, accounts made through
 * the signed admin API, tokens, and a raw HTTP client that keeps status, headers and body as sent.
 */
import { expect } from "vitest";
import { type TestWorker, startTestWorker } from "../../helpers/worker.js";

export interface Account {
  userId: string;
  usernameId: string;
  recipientId: string;
  token: string;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON; undefined when empty or not JSON. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface ApiTest {
  w: TestWorker;
  /** One request; `body` is sent as JSON unless it is a string. */
  req(method: string, path: string, opts?: { headers?: Record<string, string>; body?: unknown }): Promise<Reply>;
  /** Admin API call that must succeed. */
  admin<T>(path: string, body: unknown): Promise<T>;
  /**
   * A new account with a verified recipient and a token, on `plan` (default `pro`: these tests are about
   * the API's contract, not plan limits, which test/worker/api/plans.test.ts covers).
   */
  account(username: string, opts?: { password?: string; plan?: string }): Promise<Account>;
  close(): Promise<void>;
}

/** Starts the Worker with `vars` and serves `share.test` as a shared domain. */
export async function startApiTest(vars: Record<string, string> = {}): Promise<ApiTest> {
  const w = await startTestWorker(vars);
  const admin = async <T>(path: string, body: unknown): Promise<T> => {
    const res = await w.call<T>(`/internal/v1/admin/${path}`, body, "admin");
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body;
  };
  await admin("shared-domains", { domain: "share.test" });
  return {
    w,
    admin,
    async req(method, path, opts = {}) {
      const body = opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
      const res = await fetch(`${w.url}${path}`, { method, headers: opts.headers ?? {}, body, redirect: "manual" });
      const text = await res.text();
      let json: unknown;
      try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
      return { status: res.status, headers: res.headers, text, json };
    },
    async account(username, opts = {}) {
      const ids = await admin<{ userId: string; usernameId: string; recipientId: string }>("users", {
        username, recipient: `${username}@mailbox.example`, ...(opts.password ? { password: opts.password } : {}), plan: opts.plan ?? "pro",
      });
      const { token } = await admin<{ token: string }>("tokens", { username, name: "test" });
      return { ...ids, token };
    },
    close: () => w.close(),
  };
}

/** The headers the addy.io browser extension sends (api-clients.md §4). */
export const extensionHeaders = (token: string) => ({
  "Content-Type": "application/json", "X-Requested-With": "XMLHttpRequest", "X-Requested-From": "browser-extension", Authorization: `Bearer ${token}`,
});

/** The headers the Android app sends (api-clients.md §5.1). */
export const androidHeaders = (token: string) => ({
  Authorization: `Bearer ${token}`, "Content-Type": "application/json", "X-Requested-With": "XMLHttpRequest", Accept: "application/json",
  "User-Agent": "host.stjin.anonaddy (gplay) / 5.2.0 (1520)",
});

/** The headers Raycast's Addy extension sends (api-clients.md §6). */
export const raycastHeaders = (token: string) => ({
  Accept: "application/json", Authorization: `Bearer ${token}`, "Content-Type": "application/json", "X-Requested-With": "XMLHttpRequest",
});

/** JSON type names as the clients' decoders see them. */
export function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** Asserts that each field of `obj` named in `types` is present with that JSON type (`string|null` allowed). */
export function expectTypes(obj: Record<string, unknown>, types: Record<string, string>): void {
  for (const [field, type] of Object.entries(types)) {
    expect(Object.keys(obj), `field ${field} present`).toContain(field);
    expect(type.split("|"), `type of ${field} = ${JSON.stringify(obj[field])}`).toContain(jsonType(obj[field]));
  }
}

/** `YYYY-MM-DD HH:MM:SS` (UTC, no zone), what the mobile apps parse. */
export const DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
