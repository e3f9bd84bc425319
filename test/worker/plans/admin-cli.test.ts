/**
 * The plan commands of `npm run admin` as an operator runs them: a real process against the real Worker
 * (WORKER_URL + ADMIN_SECRET). plan:show, plan:set (sizes, unlimited, bad values), user:create --plan,
 * user:plan with its effect on aliases of paid-only domains (switched off on downgrade, back on upgrade,
 * never deleted), and changes taking effect at the next RCPT.
 */
import { execFile } from "node:child_process";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResolveResponse } from "../../../common/internal-api.js";
import { aliases, plans, usernames, users } from "../../../db/schema/index.js";
import { ROOT } from "../../../scripts/stack/files.js";
import { SECRETS, type TestWorker, startTestWorker } from "../../helpers/worker.js";

let w: TestWorker;
beforeAll(async () => {
  w = await startTestWorker();
  await w.call("/internal/v1/admin/shared-domains", { domain: "share.test" }, "admin");
  await w.call("/internal/v1/admin/shared-domains", { domain: "premium.test", paidOnly: true }, "admin");
});
afterAll(async () => { await w?.close(); });

/** Runs `npm run admin -- …args`; never throws. */
function admin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", `${ROOT}/scripts/admin.ts`, ...args], {
      cwd: ROOT, env: { PATH: process.env.PATH ?? "", WORKER_URL: w.url, ADMIN_SECRET: SECRETS.admin },
    }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}
const resolve = async (rcptTo: string) =>
  (await w.call<ResolveResponse>("/internal/v1/resolve", { mailFrom: "a@b.example", rcptTo, clientIp: "127.0.0.1" })).body;
const planRow = async (name: string) => (await w.db.select().from(plans).where(eq(plans.name, name)))[0]!;

describe("plan:show and plan:set", () => {
  it("shows the seeded plans, in text and JSON", async () => {
    const text = await admin(["plan:show"]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^free \(unpaid\)$/m);
    expect(text.stdout).toMatch(/^pro \(paid: may use paid-only shared domains\)$/m);
    expect(text.stdout).toMatch(/bandwidth a month\s+10 MB/);
    const json = JSON.parse((await admin(["plan:show", "lite", "--json"])).stdout);
    expect(json.plans).toEqual([expect.objectContaining({
      name: "lite", paid: true, bandwidthBytes: 100 * 1024 * 1024, sharedDomainAliases: 50, recipients: 5, customDomains: 1,
      usernames: 5, rules: 5, repliesPerDay: 50, aliasesPerHour: 20,
    })]);
  });

  it("changes limits with sizes, numbers and 'unlimited', and refuses bad values and unknown plans", async () => {
    const set = await admin(["plan:set", "lite", "--bandwidth", "1.5GB", "--recipients", "unlimited", "--aliases-per-hour", "7"]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain("plan lite changed");
    expect(await planRow("lite")).toMatchObject({ bandwidthBytes: 1.5 * 1024 ** 3, recipients: null, aliasesPerHour: 7, customDomains: 1 });

    const bad = await admin(["plan:set", "lite", "--recipients", "many"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--recipients must be a whole number");
    expect((await admin(["plan:set", "lite", "--recipients", "2MB"])).code).toBe(1);
    expect((await admin(["plan:set", "lite"])).stderr).toContain("nothing to change");
    const unknown = await admin(["plan:set", "gold", "--rules", "3"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no plan gold (plans: free, lite, pro)");
  });

  it("takes effect at the next RCPT: a free user's bandwidth limit lowered below its usage", async () => {
    expect((await admin(["user:create", "bea", "--recipient", "bea@mailbox.example", "--plan", "free"])).code).toBe(0);
    const [bea] = await w.db.select().from(users).where(eq(users.plan, "free"));
    await w.db.update(users).set({ bandwidth: 2 * 1024 * 1024, bandwidthResetAt: new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1)) }).where(eq(users.id, bea!.id));
    expect((await resolve("x@bea.share.test")).action).toBe("forward");
    expect((await admin(["plan:set", "free", "--bandwidth", "2MB"])).code).toBe(0);
    expect((await resolve("x@bea.share.test")).reply).toMatchObject({ code: 552, enhanced: "5.2.2" });
    expect((await admin(["plan:set", "free", "--bandwidth", "10MB"])).code).toBe(0);
    expect((await resolve("x@bea.share.test")).action).toBe("forward");
  });
});

describe("user:create --plan and user:plan", () => {
  it("creates accounts on DEFAULT_PLAN (free) unless --plan is given, and refuses an unknown plan", async () => {
    await admin(["user:create", "dora", "--recipient", "dora@mailbox.example"]);
    await admin(["user:create", "otto", "--recipient", "otto@mailbox.example", "--plan", "pro"]);
    const planOf = async (name: string) => (await w.db.select({ plan: users.plan }).from(users)
      .innerJoin(usernames, eq(usernames.userId, users.id)).where(eq(usernames.username, name)))[0]?.plan;
    expect(await planOf("dora")).toBe("free");
    expect(await planOf("otto")).toBe("pro");
    const bad = await admin(["user:create", "gus", "--recipient", "gus@mailbox.example", "--plan", "gold"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("plan gold does not exist");
  });

  it("downgrade switches off (never deletes) aliases on paid-only domains; upgrade switches exactly those back on", async () => {
    expect((await admin(["user:create", "uma", "--recipient", "uma@mailbox.example", "--plan", "pro"])).code).toBe(0);
    const shared = JSON.parse((await admin(["alias:create", "uma", "premium.test", "--json"])).stdout).email as string;
    const sub = JSON.parse((await admin(["alias:create", "uma", "uma.premium.test", "--local-part", "news", "--json"])).stdout).email as string;
    const off = JSON.parse((await admin(["alias:create", "uma", "uma.premium.test", "--local-part", "off", "--json"])).stdout).email as string;
    const plain = JSON.parse((await admin(["alias:create", "uma", "uma.share.test", "--local-part", "plain", "--json"])).stdout).email as string;
    await admin(["alias:deactivate", off]);
    expect((await resolve(shared)).action).toBe("forward");

    const down = await admin(["user:plan", "uma", "free"]);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout.trim()).toBe("uma is on plan free now (2 alias(es) on paid-only domains deactivated)");
    const state = async () => Object.fromEntries((await w.db.select().from(aliases)).filter((a) => [shared, sub, off, plain].includes(a.email))
      .map((a) => [a.email, `${a.active ? "on" : "off"}${a.deactivatedByPlan ? "+plan" : ""}${a.deletedAt ? "+deleted" : ""}`]));
    expect(await state()).toEqual({ [shared]: "off+plan", [sub]: "off+plan", [off]: "off", [plain]: "on" });
    expect((await resolve(shared)).reply).toMatchObject({ code: 550, enhanced: "5.7.1" });
    expect((await resolve(sub)).reply).toMatchObject({ code: 550, enhanced: "5.7.1" });
    expect((await resolve(plain)).action).toBe("forward");

    const up = JSON.parse((await admin(["user:plan", "uma", "lite", "--json"])).stdout);
    expect(up).toMatchObject({ plan: "lite", deactivated: 0, restored: 2 });
    expect(await state()).toEqual({ [shared]: "on", [sub]: "on", [off]: "off", [plain]: "on" });
    expect((await resolve(sub)).action).toBe("forward");

    const unknown = await admin(["user:plan", "nobody", "pro"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no account with username nobody");
  });
});
