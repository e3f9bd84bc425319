/**
 * The forward banner end to end over the whole local stack (MariaDB, Worker in workerd, both bridges as
 * processes, the dev sink), with swaks as the world's and the owner's mail servers: a multipart message
 * reaches the owner with the banner (alias, description, sender, deactivate link) in its text and HTML;
 * the owner's reply quoting it reaches the correspondent without any of it; the link's page, opened as a
 * browser would, changes nothing on GET and switches the alias off on POST; the next mail to the alias is
 * accepted, dropped and counted as blocked.
 *
 * The bridges get RESOLVE_CACHE_TTL=0ms: with the default 60 s a deactivation reaches a bridge within a
 * minute (bridge/resolve/caching-directory.ts), which this test need not wait for. Only DNS is faked, as
 * in `npm run dev` (the shipped dev zone: SPF for 127.0.0.1, DMARC for the demo recipient's domain).
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import PostalMime from "postal-mime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../db/client.js";
import { aliases } from "../../db/schema/index.js";
import type { Stack } from "../../scripts/stack/stack.js";
import { readOutbox, startTestStack, swaks, waitForOutbox, withMarker } from "../helpers/stack.js";
import { WebClient, textOf } from "../helpers/web.js";

let stack: Stack & { dataDir: string };
let db: Db;
const ALIAS = "shop@demo.veilmail.test";
const OWNER = "demo@example.com";
const mx1 = () => `127.0.0.1:${stack.info.mx[0]!.port}`;
const marker = (p: string) => `${p}-${randomBytes(5).toString("hex")}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const alias = async () => (await db.select().from(aliases).where(eq(aliases.email, ALIAS)))[0];

beforeAll(async () => {
  stack = await startTestStack({ RESOLVE_CACHE_TTL: "0ms" });
  db = createDb(stack.databaseUrl);
}, 180_000);
afterAll(async () => { await stack?.stop(); });

/** A multipart/alternative message from alice (text quoted-printable, HTML base64), written for swaks --data. */
function aliceMessage(subject: string, messageId: string): string {
  const file = `${stack.dataDir}/${subject}.eml`;
  const html = Buffer.from("<html><body><p>Your parcel is on its way.</p></body></html>\r\n").toString("base64");
  writeFileSync(file, [
    "From: Alice <alice@sender.example>", `To: ${ALIAS}`, `Subject: ${subject}`, `Message-Id: ${messageId}`,
    "Date: Sun, 01 Mar 2026 12:00:00 +0000", "MIME-Version: 1.0", "Content-Type: multipart/alternative; boundary=\"alt\"", "",
    "--alt", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "", "Your parcel is on its way.",
    "--alt", "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: base64", "", html, "--alt--", "",
  ].join("\r\n"));
  return `@${file}`;
}

describe("a forward with the banner, and its deactivate link", () => {
  it("carries the banner in text and HTML, never reaches a correspondent through a reply, and its link switches the alias off", async () => {
    // The first mail creates the catch-all alias; the owner then describes it.
    const first = marker("first");
    expect((await swaks(["--server", mx1(), "--from", "alice@sender.example", "--to", ALIAS, "--header", `Subject: ${first}`])).code).toBe(0);
    await waitForOutbox(stack.info.outboxDir, (m) => withMarker(m, first).length > 0);
    await db.update(aliases).set({ description: "Online shopping" }).where(eq(aliases.email, ALIAS));

    const subject = marker("banner");
    const messageId = `<${randomBytes(6).toString("hex")}@sender.example>`;
    const sent = await swaks(["--server", mx1(), "--from", "alice@sender.example", "--to", ALIAS, "--data", aliceMessage(subject, messageId)]);
    expect(sent.code, sent.transcript).toBe(0);
    const [fwd] = withMarker(await waitForOutbox(stack.info.outboxDir, (m) => withMarker(m, subject).length > 0), subject);
    const parsed = await PostalMime.parse(fwd!.raw);
    const text = (parsed.text ?? "").replace(/\s+/g, " ");
    expect(text).toMatch(new RegExp(`^This email was sent to ${ALIAS} \\(Online shopping\\) from alice@sender\\.example and has been forwarded by Veilmail\\. `
      + "Deactivate this alias: http://\\S+/deactivate/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+ Your parcel is on its way\\.\\s*$"));
    const link = /Deactivate this alias: (\S+)/.exec(parsed.text ?? "")![1]!;
    // The link names the dashboard's address (APP_URL), which is where the stack's Worker answers.
    expect(new URL(link).origin).toBe(new URL(stack.info.appUrl).origin);
    expect(parsed.html).toMatch(/<body>\s*<div class="veilmail-banner"[^>]*>[\s\S]*Online shopping[\s\S]*<a href="([^"]+)"[^>]*>Deactivate this alias<\/a>\s*<\/div>\s*<p>Your parcel/);
    expect(/<a href="([^"]+)"/.exec(parsed.html!)![1]).toBe(link);

    // The owner replies, quoting the whole forward: the correspondent gets none of the banner.
    const replyTo = parsed.replyTo![0]!.address!;
    const quoted = (parsed.text ?? "").split(/\r?\n/).map((l) => `> ${l}`).join("\n");
    const reply = await swaks(["--server", mx1(), "--from", OWNER, "--to", replyTo, "--header", `From: Demo <${OWNER}>`,
      "--header", `Subject: Re: ${subject}`, "--header", `In-Reply-To: ${messageId}`, "--body", `Thanks!\n\nAlice wrote:\n${quoted}\n`]);
    expect(reply.code, reply.transcript).toBe(0);
    const toAlice = () => withMarker(readOutbox(stack.info.outboxDir), `Re: ${subject}`).filter((m) => m.envelope.rcptTo.includes("alice@sender.example"));
    await waitForOutbox(stack.info.outboxDir, () => toAlice().length > 0);
    const replied = toAlice()[0]!.raw.toString("latin1");
    expect(replied).toContain("Thanks!");
    expect(replied).toContain("Your parcel is on its way.");
    expect(replied).not.toContain(new URL(link).pathname.slice(-43));
    expect(replied).not.toMatch(/deactivate|forwarded by|Online shopping/i);

    // The link, opened as a browser would: GET changes nothing, POST switches the alias off.
    const browser = new WebClient(stack.worker.url);
    const page = await browser.get(new URL(link).pathname);
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain(`Mail sent to ${ALIAS} (Online shopping) will be dropped`);
    expect((await alias())!.active).toBe(true);
    const blockedBefore = (await alias())!.emailsBlocked;
    const done = await browser.post(new URL(link).pathname);
    expect(done.status).toBe(200);
    expect((await alias())!.active).toBe(false);

    // The next mail: accepted (250), dropped, counted as blocked.
    const after = marker("after");
    const dropped = await swaks(["--server", mx1(), "--from", "alice@sender.example", "--to", ALIAS, "--header", `Subject: ${after}`]);
    expect(dropped.code, dropped.transcript).toBe(0);
    const deadline = Date.now() + 20_000;
    while ((await alias())!.emailsBlocked === blockedBefore && Date.now() < deadline) await sleep(150);
    expect((await alias())!.emailsBlocked).toBe(blockedBefore + 1);
    await sleep(1500);
    expect(withMarker(readOutbox(stack.info.outboxDir), after)).toHaveLength(0);
  });
});
