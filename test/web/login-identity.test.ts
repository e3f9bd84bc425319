/**
 * Security review findings 2 and 3 through the real Worker over MariaDB: an e-mail login and a password
 * reset by e-mail name only accounts that verified that address (squatters sign up with it but cannot
 * verify it), two verified accounts on one address each keep working, and the limit on attempts is
 * per login as typed, so a registered address and an unknown one answer alike.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailOutbox } from "../../db/schema/index.js";
import { MAX_EMAIL_CANDIDATES } from "../../worker/accounts/login.js";
import { type TestWorker, startTestWorker } from "../helpers/worker.js";
import { WebClient, linkIn, mailsTo, openVerificationLink, textOf, waitForMails } from "../helpers/web.js";

/** Attempts per login as typed in a window (LOGIN_LIMIT_PER_ACCOUNT). */
const LIMIT = 8;
let w: TestWorker;
let ipCount = 0;
/** Each client has its own IP: the per-IP limits are not what these tests are about. */
const client = () => new WebClient(w.url, { "cf-connecting-ip": `198.51.100.${++ipCount}` });
const signUp = (username: string, email: string, password: string) =>
  client().submit("/signup", { username, email, password, password_confirmation: password });
const login = (login: string, password: string) => client().submit("/login", { login, password });
const apiLogin = (body: Record<string, string>) => fetch(`${w.url}/api/auth/login`, {
  method: "POST", headers: { "Content-Type": "application/json", "cf-connecting-ip": `198.51.100.${++ipCount}` }, body: JSON.stringify(body),
});

beforeAll(async () => {
  w = await startTestWorker({ LOGIN_LIMIT_PER_ACCOUNT: String(LIMIT), LOGIN_LIMIT_PER_IP: "1000" });
  await w.call("/internal/v1/admin/shared-domains", { domain: "share.test" }, "admin");
  // alice signs up and verifies her address.
  const alice = client();
  await alice.submit("/signup", { username: "alice", email: "alice@mailbox.example", password: "alice-password-1", password_confirmation: "alice-password-1" });
  const [mail] = await mailsTo(w.db, "alice@mailbox.example", "verification");
  expect((await openVerificationLink(alice, linkIn(mail!.textBody, "/recipients/verify?token="))).status).toBe(200);
  // Then more squatters than an e-mail login looks at sign up with her address (they can never verify it).
  for (let i = 0; i <= MAX_EMAIL_CANDIDATES; i++) expect((await signUp(`squat${i}`, "alice@mailbox.example", `squat-password-${i}`)).status).toBe(303);
});
afterAll(async () => { await w?.close(); });

describe("finding 2: an address names only the accounts that verified it", () => {
  it("alice logs in by e-mail on the dashboard and through both APIs; a squatter only by username", async () => {
    expect((await login("alice@mailbox.example", "alice-password-1")).status).toBe(303);
    const sl = await apiLogin({ email: "alice@mailbox.example", password: "alice-password-1" });
    expect(sl.status).toBe(200);
    expect((await sl.json() as { api_key: string }).api_key).toBeTruthy();
    expect((await apiLogin({ username: "alice@mailbox.example", password: "alice-password-1" })).status).toBe(200);

    expect((await login("alice@mailbox.example", "squat-password-0")).status).toBe(401);
    expect((await login("squat0", "squat-password-0")).status).toBe(303);
  });

  it("a reset by e-mail mails alice's account only", async () => {
    await w.db.delete(mailOutbox).where(eq(mailOutbox.category, "password_reset"));
    expect((await client().submit("/password/forgot", { login: "alice@mailbox.example" })).status).toBe(200);
    // A reset by username still reaches a squatter's account (the mail goes to the address it typed).
    expect((await client().submit("/password/forgot", { login: "squat1" })).status).toBe(200);
    const mails = await waitForMails(w.db, "alice@mailbox.example", "password_reset", 2);
    expect(mails.map((m) => /account "(\w+)"/.exec(m.textBody)?.[1]).sort()).toEqual(["alice", "squat1"]);
  });

  it("two verified accounts on one address: each logs in by e-mail with its own password, and a reset mails both", async () => {
    const second = await w.call<{ userId: string }>("/internal/v1/admin/users", { username: "alicework", recipient: "alice@mailbox.example", password: "work-password-1" }, "admin");
    expect(second.status).toBe(201);
    expect((await login("alice@mailbox.example", "work-password-1")).status).toBe(303);
    expect((await login("Alice@Mailbox.Example", "alice-password-1")).status).toBe(303);
    await w.db.delete(mailOutbox).where(eq(mailOutbox.category, "password_reset"));
    await client().submit("/password/forgot", { login: "alice@mailbox.example" });
    const mails = await waitForMails(w.db, "alice@mailbox.example", "password_reset", 2);
    expect(mails.map((m) => /account "(\w+)"/.exec(m.textBody)?.[1]).sort()).toEqual(["alice", "alicework"]);
  });
});

describe("finding 3: the same answers for known and unknown logins", () => {
  it("past the limit a registered address and an unknown one both get 429; other logins of the account still work", async () => {
    expect((await w.call("/internal/v1/admin/users", { username: "bea", recipient: "bea@mailbox.example", password: "bea-password-1" }, "admin")).status).toBe(201);
    const tries = async (name: string) => {
      const statuses: number[] = [];
      for (let i = 0; i <= LIMIT; i++) statuses.push((await login(name, "wrong password")).status);
      return statuses;
    };
    const expected = [...Array<number>(LIMIT).fill(401), 429];
    expect(await tries("bea@mailbox.example")).toEqual(expected);
    expect(await tries("nobody@mailbox.example")).toEqual(expected);
    expect(await tries("nobodyatall")).toEqual(expected);
    const limited = await login("BEA@mailbox.example", "bea-password-1");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await login("bea", "bea-password-1")).status).toBe(303);
  });

  it("forgot-password answers the same page for a known and an unknown address", async () => {
    const known = await client().submit("/password/forgot", { login: "alicework" });
    const unknown = await client().submit("/password/forgot", { login: "nobody@mailbox.example" });
    const page = (html: string) => textOf(html.replace(/value="[^"]*"/g, ""));
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(page(unknown.html)).toBe(page(known.html));
  });
});
