/**
 * How many database round trips one `POST /internal/v1/resolve` waits for, one after another (each costs
 * a few ms from a Worker to PlanetScale, so they set RCPT latency on a cold cache).
 *
 * The Worker's own app (worker/app.ts) runs here in Node, over a fresh MariaDB behind the PlanetScale
 * simulator, with the production driver: only the runtime differs from workerd, and it lets this file
 * watch the driver's requests. While a resolve runs, the simulator's answers are held back until no
 * statement is in flight any more, then released together: each release is one round trip, and
 * statements sent at the same time share it. The count does not depend on timing: a statement that
 * waits for another's answer can only be sent after a release. (It would count one too many if code
 * between two concurrent statements waited for something other than the database; resolution does not.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResolveResponse } from "../../common/internal-api.js";
import { signRequest } from "../../common/signature.js";
import { hitRateLimit } from "../../worker/accounts/rate-limits.js";
import { createApp } from "../../worker/app.js";
import { type TestDatabase, createTestDatabase } from "../helpers/database.js";

const SECRETS = { mx1: "mx1-test-secret-0123456789", admin: "admin-test-secret-0123456789" } as const;

let t: TestDatabase;
let env: Record<string, string>;
const app = createApp();

async function call<T>(path: string, body: unknown, node: keyof typeof SECRETS = "mx1"): Promise<T> {
  const json = JSON.stringify(body);
  const headers = await signRequest(node, SECRETS[node], "POST", path, json);
  const res = await app.request(path, { method: "POST", body: json, headers: { ...headers, "content-type": "application/json" } }, env);
  const answer = (await res.json()) as T;
  expect(res.status, JSON.stringify(answer)).toBeLessThan(300);
  return answer;
}

/** Runs `work`, holding the simulator's answers as the module comment says; counts statements and releases. */
async function countRoundTrips<T>(work: () => Promise<T>): Promise<{ result: T; roundTrips: number; statements: string[] }> {
  const port = new URL(t.psUrl).port;
  const realFetch = globalThis.fetch;
  const statements: string[] = [];
  let inFlight = 0;
  let held: (() => void)[] = [];
  let roundTrips = 0;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.includes(`:${port}/psdb.v1alpha1.Database/Execute`)) return realFetch(input, init);
    statements.push((JSON.parse(String(init?.body)) as { query: string }).query);
    inFlight += 1;
    const res = await realFetch(input, init);
    const text = await res.text();
    await new Promise<void>((release) => {
      held.push(release);
      inFlight -= 1;
      if (inFlight > 0) return;
      roundTrips += 1;
      const all = held;
      held = [];
      for (const r of all) r();
    });
    return new Response(text, { status: res.status, headers: res.headers });
  };
  try {
    const result = await work();
    return { result, roundTrips, statements };
  } finally {
    globalThis.fetch = realFetch;
  }
}

const resolve = (rcptTo: string) =>
  countRoundTrips(() => call<ResolveResponse>("/internal/v1/resolve", { mailFrom: "sender@example.org", rcptTo, clientIp: "192.0.2.1" }));

/** Each statement's first keyword (a UNION's first part included), sorted. */
const kinds = (statements: string[]) => statements.map((s) => /^[\s(]*(\w+)/.exec(s)![1]!.toLowerCase()).sort();

beforeAll(async () => {
  t = await createTestDatabase();
  env = { DATABASE_URL: t.psUrl, BRIDGE_SECRETS: `mx1=${SECRETS.mx1}`, ADMIN_SECRET: SECRETS.admin };
  await call("/internal/v1/admin/shared-domains", { domain: "trips.test" }, "admin");
  // `pro` without its hourly cap on new aliases (as the benchmark runs it), `lite` with it.
  await call("/internal/v1/admin/plans/set", { name: "pro", aliasesPerHour: null }, "admin");
  await call("/internal/v1/admin/users", { username: "una", recipient: "una@mailbox.example", plan: "pro" }, "admin");
  await call("/internal/v1/admin/custom-domains", { username: "una", domain: "una-custom.example", verified: true }, "admin");
  const capped = await call<{ userId: string }>("/internal/v1/admin/users", { username: "cap", recipient: "cap@mailbox.example", plan: "lite" }, "admin");
  // Count one creation in this hour's window and the next, so that no resolve below opens a window
  // (opening one also sweeps expired rows: a statement more, once an hour; worker/accounts/rate-limits.ts).
  const now = Date.now();
  for (const at of [now, now + 3_600_000]) await hitRateLimit(t.db, `alias-create:${capped.userId}`, 20, 3600, new Date(at));
});
afterAll(async () => { await t?.close(); });

describe("round trips of one resolve", () => {
  it("first mail to a username's catch-all: 3 (lookups with maintenance; recipients; alias stored while the loop check and the return path are)", async () => {
    const { result, roundTrips, statements } = await resolve("first@una.trips.test");
    expect(result.action).toBe("forward");
    expect(kinds(statements)).toEqual(["insert", "insert", "select", "select", "select", "select", "select"]);
    expect(roundTrips).toBe(3);
  });

  it("an alias that exists: 3 (lookups with maintenance; recipients; loop check with return path), and the same plan as at its first mail", async () => {
    const first = await resolve("again@una.trips.test");
    const { result, roundTrips, statements } = await resolve("again@una.trips.test");
    expect(kinds(statements)).toEqual(["insert", "select", "select", "select", "select", "select"]);
    expect(roundTrips).toBe(3);
    // The first answer was built from the row as inserted, this one from the row as read back.
    if (first.result.action !== "forward" || result.action !== "forward") throw new Error(`not forwards: ${first.result.action}, ${result.action}`);
    const stable = (plan: typeof result.plan) => ({
      ...plan, recipients: plan.recipients.map((r) => ({ ...r, returnPath: "" })), display: { ...plan.display, deactivateUrl: "" },
    });
    expect(stable(first.result.plan)).toEqual(stable(result.plan));
  });

  it("first mail under an hourly cap: 3 (the cap is counted while recipients are read; then the alias stored while the loop check and the return path are)", async () => {
    const { result, roundTrips, statements } = await resolve("first@cap.trips.test");
    expect(result.action).toBe("forward");
    expect(kinds(statements)).toEqual(["insert", "insert", "insert", "select", "select", "select", "select", "select"]);
    expect(roundTrips).toBe(3);
  });

  it("first mail to a custom domain's catch-all: 3 (the domain is read with its owner)", async () => {
    const { result, roundTrips, statements } = await resolve("first@una-custom.example");
    expect(result.action).toBe("forward");
    expect(kinds(statements)).toEqual(["insert", "insert", "select", "select", "select", "select", "select"]);
    expect(roundTrips).toBe(3);
  });

  it("in maintenance mode: 1, and the answer is the deferral (nothing stored)", async () => {
    await call("/internal/v1/admin/maintenance", { on: true, minutes: 5 }, "admin");
    try {
      const { result, roundTrips, statements } = await resolve("during-maintenance@una.trips.test");
      expect(result).toMatchObject({ action: "defer", reply: { code: 451, enhanced: "4.3.2" } });
      expect(roundTrips).toBe(1);
      expect(kinds(statements).every((k) => k === "select")).toBe(true);
    } finally {
      await call("/internal/v1/admin/maintenance", { on: false }, "admin");
    }
    expect((await resolve("during-maintenance@una.trips.test")).result.action).toBe("forward");
  });
});
