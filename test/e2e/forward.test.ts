/**
 * End to end over the whole local stack (MariaDB, simulator, Worker in workerd, bridges as child
 * processes, the dev sink), with a real SMTP client (swaks). Only DNS is faked: the DKIM key record is
 * answered from what `npm run admin -- dkim:show` prints, because public DNS is outside this machine.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { promisify } from "node:util";
import { dkimVerify } from "mailauth/lib/dkim/verify.js";
import PostalMime from "postal-mime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/stack/files.js";
import type { Stack } from "../../scripts/stack/stack.js";
import { readOutbox, startTestStack, swaks, waitForOutbox, withMarker } from "../helpers/stack.js";

let stack: Stack & { dataDir: string };
const mx1 = () => String(stack.info.mx[0]!.port);

beforeAll(async () => { stack = await startTestStack(); }, 180_000);
afterAll(async () => { await stack?.stop(); });

const marker = () => `m-${randomBytes(6).toString("hex")}`;

describe("a message to a username-subdomain alias", () => {
  it("reaches the verified recipient once, rewritten, attachment intact, DKIM-signed with the key dkim:show prints", async () => {
    const subject = marker();
    const attachment = randomBytes(48 * 1024);
    const attachmentFile = `${stack.dataDir}/invoice.bin`;
    writeFileSync(attachmentFile, attachment);
    const sent = await swaks([
      "--server", `127.0.0.1:${mx1()}`, "--from", "alice@sender.example", "--to", "shop@demo.veilmail.test",
      "--header", `Subject: ${subject}`, "--header", "From: Alice Example <alice@sender.example>",
      "--body", "Hello from Alice", "--attach-type", "application/octet-stream", "--attach-name", "invoice.bin", "--attach", `@${attachmentFile}`,
    ]);
    expect(sent.code, sent.transcript).toBe(0);

    const [msg] = withMarker(await waitForOutbox(stack.info.outboxDir, (m) => withMarker(m, subject).length > 0), subject);
    expect(msg!.envelope.rcptTo).toEqual(["demo@example.com"]);

    const parsed = await PostalMime.parse(msg!.raw);
    expect(parsed.from?.address).toBe("shop+alice=sender.example@demo.veilmail.test");
    expect(parsed.from?.name).toBe("Alice Example 'alice at sender.example'");
    expect(parsed.replyTo?.[0]?.address).toBe("shop+alice=sender.example@demo.veilmail.test");
    // The demo account's banner is at the top (the default; test/e2e/banner.test.ts covers it), then the text as sent.
    expect(parsed.text?.replace(/\s+/g, " ").trim()).toMatch(
      /^This email was sent to shop@demo\.veilmail\.test from alice@sender\.example and has been forwarded by Veilmail\. Deactivate this alias: \S+ Hello from Alice$/,
    );
    // Our trace field names this MX by its host name (RFC 5321 §4.4), and the alias, never the mailbox.
    const ours = parsed.headers.find((h) => h.key === "received")?.value ?? "";
    expect(ours).toMatch(/by mx1\.veilmail\.test for <shop@demo\.veilmail\.test>/);
    expect(parsed.attachments).toHaveLength(1);
    expect(Buffer.from(parsed.attachments[0]!.content as ArrayBuffer).equals(attachment)).toBe(true);

    const { stdout } = await promisify(execFile)("npm", ["run", "--silent", "admin", "--", "dkim:show", "veilmail.test", "--json"], {
      cwd: ROOT, env: { ...process.env, DKIM_PRIVATE_KEY_FILE: stack.info.dkimKeyFile, DKIM_SELECTOR: stack.info.dkimSelector },
    });
    const record = JSON.parse(stdout) as { name: string; txt: string };
    expect(record.name).toBe("veilmail._domainkey.veilmail.test");
    const resolver = async (name: string, type: string) => {
      if (type === "TXT" && name === record.name) return [[record.txt]];
      throw Object.assign(new Error(`ENOTFOUND ${name}`), { code: "ENOTFOUND" });
    };
    const { results } = await dkimVerify(msg!.raw, { resolver });
    expect(results.map((r) => [r.status.result, r.signingDomain])).toEqual([["pass", "veilmail.test"]]);

    // Exactly one copy, even after the queue had time to run again.
    await new Promise((r) => setTimeout(r, 1500));
    expect(withMarker(readOutbox(stack.info.outboxDir), subject)).toHaveLength(1);
  });
});

describe("refusals", () => {
  it("an unknown shared-domain address gets 550 5.1.1 at RCPT and nothing is delivered", async () => {
    const subject = marker();
    const before = readOutbox(stack.info.outboxDir).length;
    const sent = await swaks(["--server", `127.0.0.1:${mx1()}`, "--from", "alice@sender.example", "--to", "nobody@veilmail.test", "--header", `Subject: ${subject}`]);
    expect(sent.code).not.toBe(0);
    expect(sent.transcript).toMatch(/<\*\* +550 5\.1\.1/);
    await new Promise((r) => setTimeout(r, 1000));
    expect(readOutbox(stack.info.outboxDir)).toHaveLength(before);
  });

  it("with the Worker stopped, RCPT gets 451 4.3.0 (the sender keeps the mail) and the retry is delivered", async () => {
    const subject = marker();
    await stack.stopWorker();
    try {
      const sent = await swaks(["--server", `127.0.0.1:${mx1()}`, "--from", "alice@sender.example", "--to", "outage@demo.veilmail.test", "--header", `Subject: ${subject}`]);
      expect(sent.transcript).toMatch(/<\*\* +451 4\.3\.0/);
    } finally {
      await stack.startWorker();
    }
    // The sending MTA retries later, as SMTP senders do after a 4xx.
    const retry = await swaks(["--server", `127.0.0.1:${mx1()}`, "--from", "alice@sender.example", "--to", "outage@demo.veilmail.test", "--header", `Subject: ${subject}`]);
    expect(retry.code, retry.transcript).toBe(0);
    const msgs = withMarker(await waitForOutbox(stack.info.outboxDir, (m) => withMarker(m, subject).length > 0), subject);
    expect(msgs).toHaveLength(1);
  });
});

describe("a bridge killed with SIGKILL after its 250", () => {
  it("delivers the message exactly once after restart", async () => {
    const subject = marker();
    let attempts = 0;
    // The recipient's server defers everything, so the message is still queued when the bridge dies.
    stack.sinkControl.respond = ({ stage }) => {
      if (stage !== "data") return undefined;
      attempts++;
      return { code: 451, message: "4.3.0 try again later" };
    };
    const sent = await swaks(["--server", `127.0.0.1:${mx1()}`, "--from", "alice@sender.example", "--to", "crash@demo.veilmail.test", "--header", `Subject: ${subject}`]);
    expect(sent.code, sent.transcript).toBe(0);
    const deadline = Date.now() + 15_000;
    while (attempts === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(attempts).toBeGreaterThan(0);

    await stack.bridges.mx1.kill();
    stack.sinkControl.respond = undefined;
    expect(withMarker(readOutbox(stack.info.outboxDir), subject)).toHaveLength(0);

    await stack.restartBridge("mx1");
    await waitForOutbox(stack.info.outboxDir, (m) => withMarker(m, subject).length > 0);
    await new Promise((r) => setTimeout(r, 2500));
    expect(withMarker(readOutbox(stack.info.outboxDir), subject)).toHaveLength(1);
  });
});
