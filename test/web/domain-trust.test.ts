/**
 * Security review findings 1, 4, 5, 6 and 7 through the real Worker (API, dashboard, admin API,
 * resolution) over MariaDB, with a fake DNS-over-HTTPS resolver for the domain check (public DNS is
 * outside this machine):
 * - an unverified custom domain is nobody's: mail to other users' mailboxes on it is forwarded, and
 *   recipients there can be added; once verified (and while active) it is ours;
 * - claiming a domain proves nothing: the real owner can still add and verify it; junk is refused;
 * - one recipient check for sign-up, the admin API, the dashboard and the API;
 * - a token of an account whose address is not verified gets 403, in the caller's dialect;
 * - role names and the service's host labels are reserved.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResolveResponse } from "../../common/internal-api.js";
import { aliases, domains, usernames } from "../../db/schema/index.js";
import { type FakeDoh, startFakeDoh } from "../helpers/fake-doh.js";
import { WebClient, type WebUser, linkIn, mailsTo, openVerificationLink, signedInUser, textOf } from "../helpers/web.js";
import { type TestWorker, startTestWorker } from "../helpers/worker.js";

let w: TestWorker;
let doh: FakeDoh;
let bob: WebUser;
const tokens: Record<string, string> = {};

const admin = <T = { userId: string }>(path: string, body: unknown) => w.call<T>(`/internal/v1/admin/${path}`, body, "admin");
const resolve = async (rcptTo: string) => (await w.call<ResolveResponse>("/internal/v1/resolve", { mailFrom: "someone@sender.example", rcptTo, clientIp: "192.0.2.1" })).body;
const api = async (who: string, method: string, path: string, body?: unknown, header: "bearer" | "simplelogin" = "bearer") => {
  const auth: Record<string, string> = header === "bearer" ? { Authorization: `Bearer ${tokens[who]}` } : { Authentication: tokens[who]! };
  const res = await fetch(`${w.url}${path}`, { method, headers: { ...auth, "Content-Type": "application/json", Accept: "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
};
async function accountWithToken(username: string, recipient: string): Promise<void> {
  expect((await admin("users", { username, recipient, plan: "pro" })).status).toBe(201);
  tokens[username] = (await admin<{ token: string }>("tokens", { username, name: "test" })).body.token;
}
/** A sign-up from its own client IP (sign-ups are limited per IP; this file makes many). */
let ipCount = 0;
const signUp = (username: string, email: string) => new WebClient(w.url, { "cf-connecting-ip": `198.51.100.${++ipCount}` })
  .submit("/signup", { username, email, password: "signup-password-1", password_confirmation: "signup-password-1" });

beforeAll(async () => {
  doh = await startFakeDoh();
  w = await startTestWorker({
    DOH_URL: doh.url, MAIL_DOMAIN: "veilmail.test", MX_HOSTS: "in7.veilmail.test,in8.veilmail.test", SPF_INCLUDE: "spf.veilmail.test",
    API_RATE_LIMIT_PER_MINUTE: "1000",
  });
  await admin("shared-domains", { domain: "share.test" });
  await accountWithToken("alice", "alice@corp.example");
  await accountWithToken("carol", "carol@mailbox.example");
  await accountWithToken("mallory", "mallory@mailbox.example");
  bob = await signedInUser(w.url, w.db, "bob", undefined, "pro");
  tokens.bob = (await admin<{ token: string }>("tokens", { username: "bob", name: "test" })).body.token;
});
afterAll(async () => { await w?.close(); await doh?.close(); });

describe("finding 1: only verified, active custom domains are ours", () => {
  it("an unverified claim of corp.example stops nobody's mail; verified it is ours; switched off it is not", async () => {
    const first = await resolve("shop@alice.share.test");
    expect(first).toMatchObject({ action: "forward" });

    const claim = await api("bob", "POST", "/api/v1/domains", { domain: "corp.example" });
    expect(claim.status).toBe(201);
    expect(claim.json.data.domain_verified_at).toBeNull();
    expect((await api("mallory", "POST", "/api/v1/domains", { domain: "corp.example" })).status).toBe(201);

    // Mail to alice's mailbox on the claimed domain is still forwarded, not dropped as a loop.
    const during = await resolve("shop@alice.share.test");
    expect(during.action).toBe("forward");
    if (during.action === "forward") expect(during.plan.recipients.map((r) => r.email)).toEqual(["alice@corp.example"]);
    // And anyone may still add a mailbox there, in every way a recipient comes in.
    expect((await api("carol", "POST", "/api/v1/recipients", { email: "carol@corp.example" })).status).toBe(201);
    expect((await admin("users", { username: "dave", recipient: "dave@corp.example" })).status).toBe(201);
    expect((await signUp("erin", "erin@corp.example")).status).toBe(303);

    // bob proves ownership (TXT with his token, both MX) through the dashboard's check.
    const [row] = await w.db.select().from(domains).where(eq(domains.id, claim.json.data.id));
    doh.set("TXT", "corp.example", [`veilmail-verify=${row!.verificationToken}`]);
    doh.set("MX", "corp.example", ["10 in7.veilmail.test.", "20 in8.veilmail.test."]);
    await bob.client.get(`/domains/${row!.id}`);
    const checked = await bob.client.post(`/domains/${row!.id}/check`);
    expect(textOf(checked.html)).toContain("Verified: receiving mail");

    const after = await resolve("shop@alice.share.test");
    expect(after).toMatchObject({ action: "discard", reason: "loop" });
    const refused = await api("carol", "POST", "/api/v1/recipients", { email: "carol2@corp.example" });
    expect(refused.status).toBe(422);
    expect(refused.json.errors.email[0]).toContain("receives mail for");
    expect((await admin("users", { username: "frank", recipient: "frank@corp.example" })).status).toBe(422);
    expect(textOf((await signUp("gina", "gina@corp.example")).html)).toContain("receives mail for");

    expect((await api("bob", "DELETE", `/api/v1/active-domains/${row!.id}`)).status).toBe(204);
    expect((await resolve("shop@alice.share.test")).action).toBe("forward");
  });

  it("shared domains and every subdomain of one are ours", async () => {
    for (const email of ["x@share.test", "x@alice.share.test", "x@a.b.share.test"]) {
      const res = await api("carol", "POST", "/api/v1/recipients", { email });
      expect(res.status, email).toBe(422);
      expect(res.json.errors.email[0], email).toContain("receives mail for");
    }
  });
});

describe("finding 4: claiming a domain proves nothing", () => {
  it("a squatter's claim does not stop the real owner, who verifies and takes the name", async () => {
    const squat = await api("mallory", "POST", "/api/v1/domains", { domain: "bobs-shop.example" });
    expect(squat.status).toBe(201);
    const real = await api("bob", "POST", "/api/v1/domains", { domain: "bobs-shop.example" });
    expect(real.status).toBe(201);
    expect((await api("bob", "POST", "/api/v1/domains", { domain: "bobs-shop.example" })).status).toBe(422);

    const [row] = await w.db.select().from(domains).where(eq(domains.id, real.json.data.id));
    doh.set("TXT", "bobs-shop.example", [`veilmail-verify=${row!.verificationToken}`]);
    doh.set("MX", "bobs-shop.example", ["10 in7.veilmail.test.", "20 in8.veilmail.test."]);
    await bob.client.get(`/domains/${row!.id}`);
    expect(textOf((await bob.client.post(`/domains/${row!.id}/check`)).html)).toContain("Verified: receiving mail");

    expect((await api("mallory", "GET", `/api/v1/domains/${squat.json.data.id}`)).status).toBe(404);
    const again = await api("mallory", "POST", "/api/v1/domains", { domain: "bobs-shop.example" });
    expect(again.status).toBe(422);
    expect(again.json.errors.domain[0]).toContain("already in use");
    expect(await resolve("hello@bobs-shop.example")).toMatchObject({ action: "forward" });
  });

  it("refuses IP literals, numeric TLDs and URL parts as domains, and addresses at IP numbers", async () => {
    for (const domain of ["127.0.0.1", "2130706434", "evil.example/path", "evil.example:25", "user@evil.example", "x.123", "[::1]"]) {
      const res = await api("carol", "POST", "/api/v1/domains", { domain });
      expect(res.status, domain).toBe(422);
      expect(Object.keys(res.json.errors), domain).toEqual(["domain"]);
    }
    const idn = await api("carol", "POST", "/api/v1/domains", { domain: "Bücher.example" });
    expect(idn.status).toBe(201);
    expect(idn.json.data.domain).toBe("xn--bcher-kva.example");
    for (const email of ["x@2130706434", "x@127.0.0.1", "x@[127.0.0.1]", "\"<b>hi</b>\"@example.org", "x@evil.example/path"]) {
      const res = await api("carol", "POST", "/api/v1/recipients", { email });
      expect(res.status, email).toBe(422);
      expect(Object.keys(res.json.errors), email).toEqual(["email"]);
    }
  });
});

describe("finding 6: one recipient check for sign-up, admin, dashboard and API", () => {
  it.each(["loop1@demo.share.test", "x@share.test", "x@127.0.0.1", "\"<b>hi</b>\"@example.org", "x@2130706434"])("refuses %s everywhere", async (email) => {
    const signup = await signUp("newbie", email);
    expect(signup.status).toBe(422);
    expect(signup.html).toMatch(/id="f-email"[^>]*aria-invalid="true"/);
    expect((await admin("users", { username: "newbie", recipient: email })).status).toBe(422);
    await bob.client.get("/recipients");
    const dashboard = await bob.client.post("/recipients", { email });
    expect(dashboard.status).toBe(422);
    expect((await api("carol", "POST", "/api/v1/recipients", { email })).status).toBe(422);
  });
});

describe("finding 5: the API serves only accounts that verified their address", () => {
  it("answers 403 in the caller's dialect until the address is verified", async () => {
    const client = new WebClient(w.url, { "cf-connecting-ip": "203.0.113.9" });
    expect((await client.submit("/signup", { username: "ursula", email: "ursula@mailbox.example", password: "signup-password-1", password_confirmation: "signup-password-1" })).status).toBe(303);
    tokens.ursula = (await admin<{ token: string }>("tokens", { username: "ursula", name: "test" })).body.token;

    const addy = await api("ursula", "POST", "/api/v1/aliases", { domain: "share.test" });
    expect(addy.status).toBe(403);
    expect(addy.json.message).toContain("not verified");
    const sl = await api("ursula", "GET", "/api/v2/aliases?page_id=0", undefined, "simplelogin");
    expect(sl.status).toBe(403);
    expect(sl.json.error).toContain("not verified");
    expect((await api("ursula", "GET", "/api/v1/aliases")).status).toBe(403);
    const [ursula] = await w.db.select({ id: usernames.userId }).from(usernames).where(eq(usernames.username, "ursula"));
    expect(await w.db.select().from(aliases).where(eq(aliases.userId, ursula!.id!))).toEqual([]);

    const [mail] = await mailsTo(w.db, "ursula@mailbox.example", "verification");
    expect((await openVerificationLink(client, linkIn(mail!.textBody, "/recipients/verify?token="))).status).toBe(200);
    expect((await api("ursula", "GET", "/api/v1/aliases")).status).toBe(200);
  });
});

describe("finding 7: reserved names", () => {
  it("refuses RFC 2142 role mailboxes on a shared domain root, through the API and the admin API", async () => {
    for (const local of ["info", "sales", "marketing", "support", "www", "news", "usenet", "uucp", "ftp", "noc"]) {
      const res = await api("carol", "POST", "/api/v1/aliases", { domain: "share.test", format: "custom", local_part: local });
      expect(res.status, local).toBe(422);
      expect(Object.keys(res.json.errors), local).toEqual(["local_part"]);
      expect((await admin("aliases", { username: "carol", domain: "share.test", localPart: local })).status, local).toBe(422);
    }
    expect((await api("carol", "POST", "/api/v1/aliases", { domain: "carol.share.test", format: "custom", local_part: "info" })).status).toBe(201);
  });

  it("refuses usernames that are infrastructure hosts, the configured MX and SPF hosts included", async () => {
    for (const username of ["spf", "dkim", "autodiscover", "autoconfig", "mtasts", "info", "in7", "in8", "_dmarc", "mta-sts"]) {
      const res = await api("carol", "POST", "/api/v1/usernames", { username });
      expect(res.status, username).toBe(422);
      expect(Object.keys(res.json.errors), username).toEqual(["username"]);
      expect((await signUp(username, `${username.replace(/\W/g, "")}@mailbox.example`)).status, `sign-up ${username}`).toBe(422);
    }
    await bob.client.get("/usernames");
    expect(textOf((await bob.client.post("/usernames", { username: "in7" })).html)).toContain("reserved");
    expect((await api("carol", "POST", "/api/v1/usernames", { username: "in9" })).status).toBe(201);
  });
});
