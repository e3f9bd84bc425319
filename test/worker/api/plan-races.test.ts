/**
 * Plan limits under parallel requests, through the real Worker (workerd) and a real MariaDB behind the
 * PlanetScale simulator. A review found that twelve simultaneous creations on a plan allowing three all
 * succeeded (count, then insert, with nothing in between): every limited creation, activation and
 * restore must let exactly the limit through however many requests arrive at once
 * (worker/accounts/account-lock.ts). Also: the hourly alias cap is not used up by creations that fail.
 *
 * The free plan's limits are lowered in this test's own database so that each race is small.
 */
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aliases, domains, recipients, usernames } from "../../../db/schema/index.js";
import { signedInUser } from "../../helpers/web.js";
import { type Account, type ApiTest, type Reply, extensionHeaders, startApiTest } from "./support.js";

let t: ApiTest;
const LIMITS = { sharedDomainAliases: 3, recipients: 3, customDomains: 1, usernames: 2, aliasesPerHour: null } as const;
const h = (a: Account) => extensionHeaders(a.token);

beforeAll(async () => {
  t = await startApiTest();
  await t.admin("plans/set", { name: "free", ...LIMITS });
});
afterAll(async () => { await t?.close(); });

/** Sends `n` requests at once; the statuses, sorted. */
async function burst(n: number, send: (i: number) => Promise<Reply>): Promise<number[]> {
  const replies = await Promise.all(Array.from({ length: n }, (_, i) => send(i)));
  for (const r of replies) expect([200, 201, 403], r.text).toContain(r.status);
  return replies.map((r) => r.status).sort();
}
const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

describe("parallel creations stop exactly at the plan's limit", () => {
  it("shared-domain aliases: 12 at once on a plan of 3 → 3 created, 9 refused (addy and SimpleLogin routes mixed)", async () => {
    const a = await t.account("racealias", { plan: "free" });
    const statuses = await burst(12, (i) => (i % 3 === 2
      ? t.req("POST", "/api/alias/random/new", { headers: { Authentication: a.token, "Content-Type": "application/json" }, body: {} })
      : t.req("POST", "/api/v1/aliases", { headers: h(a), body: { domain: "share.test" } })));
    expect(count(statuses, 201)).toBe(3);
    expect(count(statuses, 403)).toBe(9);
    const rows = await t.w.db.select().from(aliases).where(and(eq(aliases.userId, a.userId), eq(aliases.active, true), isNull(aliases.deletedAt)));
    expect(rows).toHaveLength(3);
  });

  it("recipients: 8 at once with room for 2 → 2 added", async () => {
    const a = await t.account("racerecipient", { plan: "free" });
    const statuses = await burst(8, (i) => t.req("POST", "/api/v1/recipients", { headers: h(a), body: { email: `box${i}@mailbox.example` } }));
    expect(count(statuses, 201)).toBe(2);
    expect(await t.w.db.select().from(recipients).where(eq(recipients.userId, a.userId))).toHaveLength(3);
  });

  it("custom domains: 6 at once on a plan of 1 → 1 added", async () => {
    const a = await t.account("racedomain", { plan: "free" });
    const statuses = await burst(6, (i) => t.req("POST", "/api/v1/domains", { headers: h(a), body: { domain: `race${i}.example` } }));
    expect(count(statuses, 201)).toBe(1);
    expect(await t.w.db.select().from(domains).where(eq(domains.userId, a.userId))).toHaveLength(1);
  });

  it("usernames: 8 at once on a plan of 2 besides the own → 2 added", async () => {
    const a = await t.account("raceuser", { plan: "free" });
    const statuses = await burst(8, (i) => t.req("POST", "/api/v1/usernames", { headers: h(a), body: { username: `raceuser${i}` } }));
    expect(count(statuses, 201)).toBe(2);
    expect(await t.w.db.select().from(usernames).where(eq(usernames.userId, a.userId))).toHaveLength(3);
  });

  it("dashboard: 8 alias forms posted at once on a plan of 3 → 3 created", async () => {
    const user = await signedInUser(t.w.url, t.w.db, "raceweb");
    await user.client.get("/aliases");
    const replies = await Promise.all(Array.from({ length: 8 }, () => user.client.post("/aliases", { domain: "share.test", format: "random_characters" })));
    expect(replies.filter((r) => r.status === 303)).toHaveLength(3);
    expect(replies.filter((r) => r.status === 422)).toHaveLength(5);
    expect(await t.w.db.select().from(aliases).where(eq(aliases.userId, user.userId))).toHaveLength(3);
  });
});

describe("parallel activations and restores stop exactly at the plan's limit", () => {
  /** An account with `n` inactive (or deleted) shared-domain aliases and none active. */
  async function withSwitchedOff(username: string, n: number, how: "deactivate" | "delete"): Promise<{ a: Account; ids: string[] }> {
    const a = await t.account(username, { plan: "pro" });
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await t.req("POST", "/api/v1/aliases", { headers: h(a), body: { domain: "share.test" } })).json.data.id);
    for (const id of ids) {
      const path = how === "deactivate" ? `/api/v1/active-aliases/${id}` : `/api/v1/aliases/${id}`;
      expect((await t.req("DELETE", path, { headers: h(a) })).status).toBe(204);
    }
    await t.admin("users/plan", { username, plan: "free" });
    return { a, ids };
  }
  const activeCount = async (userId: string) =>
    (await t.w.db.select().from(aliases).where(and(eq(aliases.userId, userId), eq(aliases.active, true), isNull(aliases.deletedAt)))).length;

  it("activating 12 aliases one request each → 3 active", async () => {
    const { a, ids } = await withSwitchedOff("raceactivate", 12, "deactivate");
    const statuses = await burst(12, (i) => t.req("POST", "/api/v1/active-aliases", { headers: h(a), body: { id: ids[i] } }));
    expect(count(statuses, 200)).toBe(3);
    expect(await activeCount(a.userId)).toBe(3);
  });

  it("bulk activations of two aliases each, 6 at once → 2 active (a second pair would pass 3), each request all or nothing", async () => {
    const { a, ids } = await withSwitchedOff("racebulk", 12, "deactivate");
    const statuses = await burst(6, (i) => t.req("POST", "/api/v1/aliases/activate/bulk", { headers: h(a), body: { ids: ids.slice(2 * i, 2 * i + 2) } }));
    expect(count(statuses, 200)).toBe(1);
    expect(await activeCount(a.userId)).toBe(2);
  });

  it("activating 6 custom domains at once on a plan of 1 → 1 active", async () => {
    const a = await t.account("racedomains", { plan: "pro" });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await t.req("POST", "/api/v1/domains", { headers: h(a), body: { domain: `racedomains${i}.example` } })).json.data.id);
    for (const id of ids) expect((await t.req("DELETE", `/api/v1/active-domains/${id}`, { headers: h(a) })).status).toBe(204);
    await t.admin("users/plan", { username: "racedomains", plan: "free" });
    const statuses = await burst(6, (i) => t.req("POST", "/api/v1/active-domains", { headers: h(a), body: { id: ids[i] } }));
    expect(count(statuses, 200)).toBe(1);
    expect(await t.w.db.select().from(domains).where(and(eq(domains.userId, a.userId), eq(domains.active, true)))).toHaveLength(1);
  });

  it("restoring 12 deleted aliases one request each → 3 restored", async () => {
    const { a, ids } = await withSwitchedOff("racerestore", 12, "delete");
    const statuses = await burst(12, (i) => t.req("PATCH", `/api/v1/aliases/${ids[i]}/restore`, { headers: h(a) }));
    expect(count(statuses, 200)).toBe(3);
    expect(await activeCount(a.userId)).toBe(3);
  });
});

describe("the hourly alias cap", () => {
  it("is not used up by creations that fail (a taken custom address), and stops a burst at exactly the cap", async () => {
    await t.admin("plans/set", { name: "lite", aliasesPerHour: 3, sharedDomainAliases: null });
    // The cap counts per clock hour: should the hour turn during a run, run it again with a new account.
    for (let run = 0; ; run++) {
      const hour = Math.floor(Date.now() / 3_600_000);
      await hourlyCapRun(`racehour${run}`);
      if (Math.floor(Date.now() / 3_600_000) === hour || run === 2) return;
    }
  });

  async function hourlyCapRun(username: string): Promise<void> {
    const a = await t.account(username, { plan: "lite" });
    const body = { domain: `${username}.share.test`, format: "custom", local_part: "taken" };
    expect((await t.req("POST", "/api/v1/aliases", { headers: h(a), body })).status).toBe(201);
    for (let i = 0; i < 5; i++) {
      const taken = await t.req("POST", "/api/v1/aliases", { headers: h(a), body });
      expect(taken.status, taken.text).toBe(422);
      expect(taken.json.errors.local_part).toEqual(["The alias has already been taken."]);
    }
    const replies = await Promise.all(Array.from({ length: 8 }, () => t.req("POST", "/api/v1/aliases", { headers: h(a), body: { domain: `${username}.share.test` } })));
    expect(replies.filter((r) => r.status === 201)).toHaveLength(2);
    const refused = replies.filter((r) => r.status === 429);
    expect(refused).toHaveLength(6);
    expect(refused[0]!.json.message).toBe("You have reached your hourly limit for creating new aliases");
    expect(Number(refused[0]!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await t.w.db.select().from(aliases).where(eq(aliases.userId, a.userId))).toHaveLength(3);
  }
});
