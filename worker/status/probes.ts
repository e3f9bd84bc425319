/**
 * The checks the Worker can make by itself: the landing page, the web app and the API are requested
 * in-process through the app (so they exercise the same routes, middleware and database paths a visitor
 * would, without a network hop a Worker cannot make to itself), and the database gets a `SELECT 1`.
 * Every check has a time limit and never throws.
 */
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { type ComponentStatus, databaseStatus, SLOW_MS } from "./components.js";

/** Calls the app in-process (`app.fetch` with the current bindings). */
export type AppFetch = (request: Request) => Promise<Response> | Response;

/** One in-process probe: the path to request and the status that means "working". */
export interface ProbeDef {
  key: string;
  name: string;
  path: string;
  /** e.g. 200 for a page, 401 for an API route called without a token. */
  expect: number;
}

/** What is probed. The API answers an unauthenticated call with its JSON 401 when it works. */
export const PROBES: readonly ProbeDef[] = [
  { key: "landing", name: "Landing page", path: "/", expect: 200 },
  { key: "webapp", name: "Web app", path: "/login", expect: 200 },
  { key: "api", name: "API", path: "/api/v1/account-details", expect: 401 },
];

/** How long a probe or ping may take before it counts as failed. */
export const CHECK_TIMEOUT_MS = 5000;

const timeout = (ms: number) => new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms));

/**
 * Requests `def.path` from the app.
 * @param baseUrl the app's public URL (APP_URL); only its origin is used to build the request
 */
export async function runProbe(appFetch: AppFetch, baseUrl: string, def: ProbeDef, timeoutMs = CHECK_TIMEOUT_MS): Promise<ComponentStatus> {
  const started = Date.now();
  const base = { key: def.key, name: def.name };
  try {
    const res = await Promise.race([
      Promise.resolve(appFetch(new Request(new URL(def.path, baseUrl), { headers: { "user-agent": "veilmail-status-check", accept: "text/html,application/json" } }))),
      timeout(timeoutMs),
    ]);
    await res.body?.cancel();
    const latencyMs = Date.now() - started;
    if (res.status !== def.expect) return { ...base, state: "down", latencyMs, detail: `GET ${def.path} answered ${res.status}` };
    return { ...base, state: latencyMs > SLOW_MS ? "degraded" : "up", latencyMs, detail: `GET ${def.path} ${res.status} in ${latencyMs} ms` };
  } catch (err) {
    console.error(JSON.stringify({ level: "warn", msg: "status probe failed", path: def.path, error: (err as Error).message }));
    return { ...base, state: "down", latencyMs: null, detail: `GET ${def.path} did not answer` };
  }
}

/** `SELECT 1` through the Worker's database client; the latency is the round trip. */
export async function pingDatabase(db: Db, timeoutMs = CHECK_TIMEOUT_MS): Promise<ComponentStatus> {
  const started = Date.now();
  try {
    await Promise.race([db.execute(sql`SELECT 1`), timeout(timeoutMs)]);
    return databaseStatus({ ok: true, latencyMs: Date.now() - started });
  } catch (err) {
    // The public detail stays generic; the cause (never the bound parameters) goes to the Worker's log.
    const cause = (err as { cause?: unknown }).cause;
    const message = cause instanceof Error ? cause.message : (err as Error).message.split("\n")[0];
    console.error(JSON.stringify({ level: "warn", msg: "status database ping failed", error: message }));
    return databaseStatus({ ok: false, latencyMs: Date.now() - started, error: "unreachable" });
  }
}
