/**
 * Sign-up, e-mail verification, login (username or e-mail), logout, password reset and session
 * rotation, through the real Worker (workerd) and MariaDB with a cookie-keeping client: every form
 * with its happy path, a validation error and a missing CSRF token.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recipients, sessions, usernames, users } from "../../db/schema/index.js";
import { type TestWorker, startTestWorker } from "../helpers/worker.js";
import { WebClient, linkIn, mailsTo, openVerificationLink, textOf, waitForMails } from "../helpers/web.js";

let w: TestWorker;
beforeAll(async () => {
  w = await startTestWorker();
  await w.call("/internal/v1/admin/shared-domains", { domain: "share.test" }, "admin");
});
afterAll(async () => { await w?.close(); });

const signUp = async (client: WebClient, username: string, email: string, password = "correct horse 1") =>
  client.submit("/signup", { username, email, password, password_confirmation: password });
/** Signs up and opens the verification link (e-mail login and reset name verified addresses only). */
const signUpVerified = async (client: WebClient, username: string, email: string, password: string) => {
  await signUp(client, username, email, password);
  const [mail] = await mailsTo(w.db, email, "verification");
  expect((await openVerificationLink(client, linkIn(mail!.textBody, "/recipients/verify?token="))).status).toBe(200);
};

describe("landing page", () => {
  it("shows the plans from the database, links sign-up and the status page, carries a newsletter form with a CSRF token, and strict headers", async () => {
    const page = await new WebClient(w.url).get("/");
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/href="\/signup"/);
    expect(page.html).toMatch(/href="\/status"/);
    expect(textOf(page.html)).toMatch(/Recipients 1 5 30 Custom domains 0 1 20/);
    expect(page.html).toMatch(/<form method="post" action="\/newsletter"[\s\S]*name="_csrf" value="[\w-]{43}"/);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(page.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    const css = page.html.match(/href="(\/assets\/app\.[0-9a-f]{8}\.css)"/)?.[1];
    const asset = await fetch(`${w.url}${css}`);
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect(await asset.text()).toContain("prefers-color-scheme:dark");
  });
});

describe("sign-up", () => {
  it("creates the account signed in, with an unverified recipient and a verification mail whose link verifies it", async () => {
    const client = new WebClient(w.url);
    const res = await signUp(client, "Alice1", "Alice@Mailbox.example");
    expect(res.status).toBe(303);
    expect(res.location).toBe("/dashboard");
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("__Host-vm_session="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);

    const [name] = await w.db.select().from(usernames).where(eq(usernames.username, "alice1"));
    const [recipient] = await w.db.select().from(recipients).where(eq(recipients.userId, name!.userId!));
    expect(recipient!.email).toBe("alice@mailbox.example");
    expect(recipient!.emailVerifiedAt).toBeNull();

    const home = await client.get("/dashboard");
    expect(home.status).toBe(200);
    expect(textOf(home.html)).toContain("Please verify alice@mailbox.example");

    const [mail] = await mailsTo(w.db, "alice@mailbox.example", "verification");
    const link = linkIn(mail!.textBody, "/recipients/verify?token=");
    // A GET (what a mail scanner fetching the link does) only asks, from anyone, signed in or not.
    const asked = await new WebClient(w.url).get(link);
    expect(asked.status).toBe(200);
    expect(textOf(asked.html)).toContain("Verify alice@mailbox.example");
    expect(asked.html).toMatch(/<form method="post" action="\/recipients\/verify">/);
    expect((await w.db.select().from(recipients).where(eq(recipients.id, recipient!.id)))[0]!.emailVerifiedAt).toBeNull();
    const verified = await openVerificationLink(client, link);
    expect(verified.status).toBe(200);
    expect(textOf(verified.html)).toContain("alice@mailbox.example is verified");
    const [after] = await w.db.select().from(recipients).where(eq(recipients.id, recipient!.id));
    expect(after!.emailVerifiedAt).not.toBeNull();
    expect(textOf((await client.get("/dashboard")).html)).not.toContain("Please verify");
  });

  it("refuses a tampered verification link", async () => {
    const client = new WebClient(w.url);
    await signUp(client, "tamper", "tamper@mailbox.example");
    const [mail] = await mailsTo(w.db, "tamper@mailbox.example", "verification");
    const link = linkIn(mail!.textBody, "/recipients/verify?token=");
    const res = await client.get(`${link.slice(0, -2)}xx`);
    expect(res.status).toBe(400);
    const token = decodeURIComponent(link.slice(link.indexOf("token=") + 6));
    await client.get(link);
    expect((await client.post("/recipients/verify", { token: `${token.slice(0, -2)}xx` })).status).toBe(400);
    expect((await client.post("/recipients/verify", { token, _csrf: null })).status).toBe(403);
    const [row] = await w.db.select().from(recipients).where(eq(recipients.email, "tamper@mailbox.example"));
    expect(row!.emailVerifiedAt).toBeNull();
  });

  it("re-renders with 422 and a message at the field for a bad username, keeping the input but not the password", async () => {
    const client = new WebClient(w.url);
    const res = await signUp(client, "no_underscores", "bob@mailbox.example");
    expect(res.status).toBe(422);
    expect(res.html).toMatch(/id="f-username"[^>]*aria-invalid="true"/);
    expect(textOf(res.html)).toContain("1 to 20 letters or digits");
    expect(res.html).toContain('value="bob@mailbox.example"');
    expect(res.html).not.toContain("correct horse 1");
    expect(client.cookies.has("__Host-vm_session")).toBe(false);
  });

  it("refuses reserved, taken and deleted usernames, and different passwords", async () => {
    const client = new WebClient(w.url);
    expect(textOf((await signUp(client, "postmaster", "p@mailbox.example")).html)).toContain("reserved");
    await signUp(new WebClient(w.url), "taken", "t1@mailbox.example");
    expect(textOf((await signUp(client, "Taken", "t2@mailbox.example")).html)).toContain("taken");
    await w.db.insert(usernames).values({ id: crypto.randomUUID(), userId: null, username: "gone", deletedAt: new Date(), createdAt: new Date(), updatedAt: new Date() });
    const gone = await signUp(client, "gone", "t3@mailbox.example");
    expect(gone.status).toBe(422);
    expect(textOf(gone.html)).toContain("taken");
    const differ = await client.submit("/signup", { username: "differ", email: "d@mailbox.example", password: "aaaaaaaa1", password_confirmation: "aaaaaaaa2" });
    expect(differ.status).toBe(422);
    expect(textOf(differ.html)).toContain("The two passwords differ.");
  });

  it("refuses a post without the CSRF token (403) and creates nothing", async () => {
    const client = new WebClient(w.url);
    await client.get("/signup");
    const res = await client.post("/signup", { _csrf: null, username: "nocsrf", email: "n@mailbox.example", password: "aaaaaaaa1", password_confirmation: "aaaaaaaa1" });
    expect(res.status).toBe(403);
    const forged = await client.post("/signup", { _csrf: "x".repeat(43), username: "nocsrf", email: "n@mailbox.example", password: "aaaaaaaa1", password_confirmation: "aaaaaaaa1" });
    expect(forged.status).toBe(403);
    expect(await w.db.select().from(usernames).where(eq(usernames.username, "nocsrf"))).toHaveLength(0);
  });
});

describe("login and logout", () => {
  beforeAll(async () => { await signUpVerified(new WebClient(w.url), "carol", "carol@mailbox.example", "carol-password-1"); });

  it("logs in by username or by e-mail, and makes a new session each time (rotation)", async () => {
    const client = new WebClient(w.url);
    expect((await client.get("/dashboard")).location).toBe("/login?next=%2Fdashboard");
    const first = await client.submit("/login?next=%2Fdashboard", { login: "Carol", password: "carol-password-1", next: "/dashboard" }, "/login");
    expect(first.status).toBe(303);
    expect(first.location).toBe("/dashboard");
    const firstToken = client.cookies.get("__Host-vm_session")!;
    expect((await client.get("/dashboard")).status).toBe(200);

    await client.get("/dashboard");
    const second = await client.post("/login", { login: "CAROL@mailbox.example", password: "carol-password-1" });
    expect(second.status).toBe(303);
    const secondToken = client.cookies.get("__Host-vm_session")!;
    expect(secondToken).not.toBe(firstToken);
    const old = new WebClient(w.url);
    old.cookies.set("__Host-vm_session", firstToken);
    expect((await old.get("/dashboard")).status).toBe(303);
  });

  it("says the same for a wrong password and an unknown login (401), and refuses a missing CSRF token", async () => {
    const client = new WebClient(w.url);
    const wrong = await client.submit("/login", { login: "carol", password: "not-it-at-all" });
    const unknown = await client.submit("/login", { login: "nobody", password: "not-it-at-all" });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(textOf(wrong.html)).toContain("do not match an account");
    expect(textOf(unknown.html)).toContain("do not match an account");
    expect((await client.submit("/login", { login: "", password: "" })).status).toBe(422);
    await client.get("/login");
    expect((await client.post("/login", { _csrf: null, login: "carol", password: "carol-password-1" })).status).toBe(403);
    expect(client.cookies.has("__Host-vm_session")).toBe(false);
  });

  it("slides an active session's expiry (row and cookie) when it was last seen over a minute ago", async () => {
    const client = new WebClient(w.url);
    await client.submit("/login", { login: "carol", password: "carol-password-1" });
    const userId = (await w.db.select().from(usernames).where(eq(usernames.username, "carol")))[0]!.userId!;
    const old = new Date(Date.now() - 3600_000);
    await w.db.update(sessions).set({ lastSeenAt: old, expiresAt: new Date(Date.now() + 60_000) }).where(eq(sessions.userId, userId));
    const res = await client.get("/dashboard");
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().find((c) => c.startsWith("__Host-vm_session="))).toMatch(/Max-Age=1209600/);
    const rows = await w.db.select().from(sessions).where(eq(sessions.userId, userId));
    expect(Math.max(...rows.map((r) => r.expiresAt.getTime()))).toBeGreaterThan(Date.now() + 13 * 86_400_000);
  });

  it("never redirects off-site after login", async () => {
    const client = new WebClient(w.url);
    const res = await client.submit("/login", { login: "carol", password: "carol-password-1", next: "//evil.example/x" });
    expect(res.location).toBe("/dashboard");
  });

  it("logs out with the session row deleted; logging out needs the CSRF token", async () => {
    const client = new WebClient(w.url);
    await client.submit("/login", { login: "carol", password: "carol-password-1" });
    await client.get("/dashboard");
    expect((await client.post("/logout", { _csrf: null })).status).toBe(403);
    const userId = (await w.db.select().from(usernames).where(eq(usernames.username, "carol")))[0]!.userId!;
    const before = (await w.db.select().from(sessions).where(eq(sessions.userId, userId))).length;
    const out = await client.post("/logout");
    expect(out.status).toBe(303);
    expect(client.cookies.has("__Host-vm_session")).toBe(false);
    expect(await w.db.select().from(sessions).where(eq(sessions.userId, userId))).toHaveLength(before - 1);
  });
});

describe("password reset", () => {
  it("mails a one-hour link that sets a new password once, ends the sessions, and answers the same for unknown logins", async () => {
    const client = new WebClient(w.url);
    await signUpVerified(client, "dave", "dave@mailbox.example", "dave-password-1");
    const forgot = await new WebClient(w.url).submit("/password/forgot", { login: "dave@mailbox.example" });
    const unknown = await new WebClient(w.url).submit("/password/forgot", { login: "nobody-here" });
    expect(forgot.status).toBe(200);
    expect(textOf(unknown.html)).toBe(textOf(forgot.html).replace(/value="[^"]*"/g, ""));
    const [mail] = await waitForMails(w.db, "dave@mailbox.example", "password_reset");
    expect(mail!.textBody).toContain('account "dave"');
    const link = linkIn(mail!.textBody, "/password/reset?token=");
    const browser = new WebClient(w.url);
    expect((await browser.submit(link, { token: decodeURIComponent(link.split("token=")[1]!), password: "short", password_confirmation: "short" }, "/password/reset")).status).toBe(422);
    const done = await browser.submit(link, { token: decodeURIComponent(link.split("token=")[1]!), password: "dave-password-2", password_confirmation: "dave-password-2" }, "/password/reset");
    expect(done.status).toBe(303);
    expect((await client.get("/dashboard")).status).toBe(303);
    expect((await browser.get(link)).status).toBe(400);
    expect((await new WebClient(w.url).submit("/login", { login: "dave", password: "dave-password-1" })).status).toBe(401);
    expect((await new WebClient(w.url).submit("/login", { login: "dave", password: "dave-password-2" })).status).toBe(303);
  });
});

describe("deleted accounts", () => {
  it("cannot log in", async () => {
    await signUp(new WebClient(w.url), "erin", "erin@mailbox.example", "erin-password-1");
    const [name] = await w.db.select().from(usernames).where(eq(usernames.username, "erin"));
    await w.db.update(users).set({ deletedAt: new Date() }).where(eq(users.id, name!.userId!));
    expect((await new WebClient(w.url).submit("/login", { login: "erin", password: "erin-password-1" })).status).toBe(401);
  });
});
