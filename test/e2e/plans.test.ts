/**
 * Plans end to end over the whole local stack (MariaDB, Worker in workerd, both bridges as processes,
 * the dev sink), with swaks as the world's and the owner's mail servers and the admin CLI as the
 * operator (issue 7). The seed serves `veilmail-plus.test` for paid plans only. A free account's mail to
 * `x@<user>.veilmail-plus.test` is refused at RCPT; after `npm run admin -- user:plan <user> pro` the
 * same address is forwarded. The free plan's 0 replies a day: the owner's reply is accepted, not sent,
 * recorded, and the owner told; on pro it goes out. Only DNS is faked, as in `npm run dev` (the dev
 * zone lets example.com mail from 127.0.0.1 pass SPF and DMARC).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import PostalMime from "postal-mime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../db/client.js";
import { aliases, failedDeliveries } from "../../db/schema/index.js";
import { adminCall } from "../../scripts/admin/target.js";
import { ROOT } from "../../scripts/stack/files.js";
import type { Stack } from "../../scripts/stack/stack.js";
import { readOutbox, startTestStack, swaks, waitForOutbox, withMarker } from "../helpers/stack.js";

let stack: Stack & { dataDir: string };
let db: Db;
const OWNER = "frank@example.com";
const mx1 = () => `127.0.0.1:${stack.info.mx[0]!.port}`;
const marker = (p: string) => `${p}-${randomBytes(5).toString("hex")}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  stack = await startTestStack();
  db = createDb(stack.databaseUrl);
  await adminCall(stack.admin, "users", { username: "frank", recipient: OWNER, plan: "free" });
}, 180_000);
afterAll(async () => { await stack?.stop(); });

/** `npm run admin -- …args` against this stack, as a real process. */
function admin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", `${ROOT}/scripts/admin.ts`, ...args], {
      cwd: ROOT, env: { PATH: process.env.PATH ?? "", WORKER_URL: stack.info.workerUrl, ADMIN_SECRET: stack.info.adminSecret },
    }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}
const fromAlice = (to: string, subject: string) => swaks(["--server", mx1(), "--from", "alice@sender.example", "--to", to,
  "--header", `Subject: ${subject}`, "--header", "From: Alice <alice@sender.example>",
  "--header", `Message-Id: <${randomBytes(6).toString("hex")}@sender.example>`, "--body", "Hello from Alice"]);
const ownerReplies = (reverseAlias: string, subject: string, inReplyTo: string) => swaks(["--server", mx1(), "--from", OWNER, "--to", reverseAlias,
  "--header", `From: Frank <${OWNER}>`, "--header", `Subject: ${subject}`, "--header", `In-Reply-To: ${inReplyTo}`, "--body", "Thanks!"]);
const toAlice = (subject: string) => withMarker(readOutbox(stack.info.outboxDir), subject).filter((m) => m.envelope.rcptTo.includes("alice@sender.example"));

describe("a free account and the paid-only shared domain", () => {
  it("is refused at RCPT (550 5.7.1) for x@frank.veilmail-plus.test, and forwarded after user:plan frank pro", async () => {
    expect(stack.demo!.paidDomain).toBe("veilmail-plus.test");
    const before = marker("paid-before");
    const refused = await fromAlice("x@frank.veilmail-plus.test", before);
    expect(refused.code).not.toBe(0);
    expect(refused.transcript).toMatch(/<\*\* +550 5\.7\.1 /);
    expect(await db.select().from(aliases).where(eq(aliases.email, "x@frank.veilmail-plus.test"))).toHaveLength(0);

    const moved = await admin(["user:plan", "frank", "pro"]);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout.trim()).toBe("frank is on plan pro now");

    const after = marker("paid-after");
    const sent = await fromAlice("x@frank.veilmail-plus.test", after);
    expect(sent.code, sent.transcript).toBe(0);
    const [msg] = withMarker(await waitForOutbox(stack.info.outboxDir, (m) => withMarker(m, after).length > 0), after);
    expect(msg!.envelope.rcptTo).toEqual([OWNER]);
    expect((await PostalMime.parse(msg!.raw)).replyTo?.[0]?.address).toBe("x+alice=sender.example@frank.veilmail-plus.test");
    expect(withMarker(readOutbox(stack.info.outboxDir), before)).toHaveLength(0);
  });
});

describe("the daily reply/send limit", () => {
  it("on free (0 a day): the owner's reply is accepted, not sent, recorded, and the owner told; on pro it goes out", async () => {
    expect((await admin(["user:plan", "frank", "free"])).code).toBe(0);
    const first = marker("fwd");
    expect((await fromAlice("hi@frank.veilmail.test", first)).code).toBe(0);
    const [fwd] = withMarker(await waitForOutbox(stack.info.outboxDir, (m) => withMarker(m, first).length > 0), first);
    const parsed = await PostalMime.parse(fwd!.raw);
    const reverse = parsed.replyTo![0]!.address!;
    expect(reverse).toBe("hi+alice=sender.example@frank.veilmail.test");

    const refusedSubject = marker("Re-refused");
    const accepted = await ownerReplies(reverse, refusedSubject, parsed.messageId!);
    expect(accepted.code, accepted.transcript).toBe(0);
    const notice = await waitForOutbox(stack.info.outboxDir, (m) => m.some((x) => x.envelope.rcptTo.includes(OWNER) && x.raw.includes("was not sent")));
    const told = notice.filter((x) => x.envelope.rcptTo.includes(OWNER) && x.raw.includes("was not sent"));
    expect(told).toHaveLength(1);
    expect(told[0]!.raw.toString()).toContain("daily limit of replies and sends");
    const [alias] = await db.select().from(aliases).where(eq(aliases.email, "hi@frank.veilmail.test"));
    const failures = await db.select().from(failedDeliveries).where(eq(failedDeliveries.aliasId, alias!.id));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ emailType: "R", status: "5.7.1", destination: "alice@sender.example" });
    expect(failures[0]!.code).toContain("replies and sends a day");
    await sleep(1500);
    expect(toAlice(refusedSubject)).toHaveLength(0);

    expect((await admin(["user:plan", "frank", "pro"])).code).toBe(0);
    const okSubject = marker("Re-sent");
    expect((await ownerReplies(reverse, okSubject, parsed.messageId!)).code).toBe(0);
    const [reply] = await waitForOutbox(stack.info.outboxDir, () => toAlice(okSubject).length > 0).then(() => toAlice(okSubject));
    expect((await PostalMime.parse(reply!.raw)).from?.address).toBe("hi@frank.veilmail.test");
  });
});
