/**
 * Plans in the dashboard (issue 7 §2–§4) through the real Worker: sign-up gives the Worker's
 * DEFAULT_PLAN (free); a paid-only shared domain is offered to a paid account both as itself and as its
 * username subdomain, and refused to a free one with an explained error; counts past the plan are
 * refused with the plan's message; the dashboard shows usage against each limit.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aliases, users } from "../../db/schema/index.js";
import { type TestWorker, startTestWorker } from "../helpers/worker.js";
import { type WebUser, signedInUser, textOf } from "../helpers/web.js";

let w: TestWorker;
let fay: WebUser;
let pia: WebUser;
const domainOptionsOf = (html: string) => [...html.matchAll(/<option value="([^"]+)"[^>]*>/g)].map((m) => m[1]!).filter((v) => v.includes("."));

beforeAll(async () => {
  w = await startTestWorker();
  await w.call("/internal/v1/admin/shared-domains", { domain: "share.test" }, "admin");
  await w.call("/internal/v1/admin/shared-domains", { domain: "premium.test", paidOnly: true }, "admin");
  fay = await signedInUser(w.url, w.db, "fay");
  pia = await signedInUser(w.url, w.db, "pia");
  const moved = await w.call("/internal/v1/admin/users/plan", { username: "pia", plan: "pro" }, "admin");
  expect(moved.status).toBe(200);
});
afterAll(async () => { await w?.close(); });

describe("sign-up", () => {
  it("puts the new account on DEFAULT_PLAN (free unless configured)", async () => {
    expect((await w.db.select({ plan: users.plan }).from(users).where(eq(users.id, fay.userId)))[0]!.plan).toBe("free");
  });
});

describe("a paid-only shared domain", () => {
  it("is offered to a paid account as itself and as its username subdomain, and works there", async () => {
    const options = domainOptionsOf((await pia.client.get("/aliases")).html);
    expect(options).toEqual(["premium.test", "share.test", "pia.premium.test", "pia.share.test"]);
    expect((await pia.client.submit("/aliases", { domain: "pia.premium.test", format: "custom", local_part: "club" })).status).toBe(303);
    expect((await pia.client.submit("/aliases", { domain: "premium.test", format: "random_characters" })).status).toBe(303);
    const mine = await w.db.select({ email: aliases.email }).from(aliases).where(eq(aliases.userId, pia.userId));
    expect(mine.map((a) => a.email)).toEqual(expect.arrayContaining(["club@pia.premium.test", expect.stringMatching(/@premium\.test$/)]));
  });

  it("is not offered to a free account, and a forged post gets the form back with the reason", async () => {
    expect(domainOptionsOf((await fay.client.get("/aliases")).html)).toEqual(["share.test", "fay.share.test"]);
    for (const domain of ["premium.test", "fay.premium.test"]) {
      const res = await fay.client.submit("/aliases", { domain, format: "random_characters" });
      expect(res.status).toBe(422);
      expect(textOf(res.html)).toContain(`The domain ${domain} is available on paid plans only; your plan (free) cannot use it.`);
    }
    expect(await w.db.select().from(aliases).where(eq(aliases.userId, fay.userId))).toHaveLength(0);
  });
});

describe("limits", () => {
  it("refuse a second recipient on free with the plan's message, and allow it on pro", async () => {
    const refused = await fay.client.submit("/recipients", { email: "fay.work@office.example" });
    expect(refused.status).toBe(422);
    expect(textOf(refused.html)).toContain("Your plan (free) allows 1 recipient. Remove one or change plan.");
    expect((await pia.client.submit("/recipients", { email: "pia.work@office.example" })).status).toBe(303);
  });

  it("show on the dashboard: the plan, each limit's usage, and what is reached", async () => {
    const free = textOf((await fay.client.get("/dashboard")).html);
    expect(free).toContain("Your plan: free");
    expect(free).toMatch(/Recipients 1 1 .*limit reached/);
    expect(free).toMatch(/Bandwidth this month 0 KB 10\.0 MB/);
    expect(free).toContain("Custom domains 0 0");
    expect(free).toContain("New aliases: up to 10 an hour");
    expect(free).toContain("Some shared domains are for paid plans only.");
    const pro = textOf((await pia.client.get("/dashboard")).html);
    expect(pro).toContain("Your plan: pro");
    expect(pro).toMatch(/Bandwidth this month 0 KB unlimited/);
    expect(pro).toMatch(/Active aliases on shared domains 1 unlimited/);
    expect(pro).toContain("Recipients 2 30");
    expect(pro).toContain("Your plan includes the shared domains for paid plans.");
  });
});
