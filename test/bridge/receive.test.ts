/**
 * The receive stage over a real socket: what the bridge answers at MAIL, RCPT and DATA, and that
 * nothing refused ever reaches the spool. The queue runner is off here (runQueue: false), so anything
 * that had been spooled would still be on disk for the assertions to see.
 * The Worker is replaced by a fake directory (see ./support.ts).
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer from "nodemailer";
import getTLSOptions from "smtp-server/lib/tls-options.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type RunningBridge, startBridge } from "../../bridge/main.js";
import { createLogger } from "../../bridge/log.js";
import { createDkimSigner } from "../../bridge/sign/dkim.js";
import { RawSmtp, sendMail } from "../helpers/smtp.js";
import {
  answers, DKIM_KEY, fakeDirectory, fakeReporter, forwardPlan, message, spoolFiles, tempDir, testConfig, waitFor,
} from "./support.js";

const ALIAS = "shop@alias.test";
const OTHER = "news@alias.test";
const DOWN = "down@alias.test";
const INACTIVE = "inactive@alias.test";

let tmp: { dir: string; cleanup: () => Promise<void> };
let bridge: RunningBridge;
let directory: ReturnType<typeof fakeDirectory>;
let reporter: ReturnType<typeof fakeReporter>;

async function start(env: Record<string, string> = {}, table?: Parameters<typeof fakeDirectory>[0]) {
  directory = fakeDirectory(table ?? {
    [ALIAS]: answers.forward(forwardPlan(ALIAS, ["real@dest.test"])),
    [OTHER]: answers.forward(forwardPlan(OTHER, ["real@dest.test"])),
    [DOWN]: "throw",
    [INACTIVE]: answers.discard("alias-inactive"),
  });
  reporter = fakeReporter();
  bridge = await startBridge(testConfig(tmp.dir, env), {
    directory, reporter, runQueue: false,
    signer: createDkimSigner({ selector: "s1", privateKey: DKIM_KEY.privateKey }),
    log: createLogger("silent", "mx1"),
  });
}

beforeEach(async () => {
  tmp = await tempDir("receive");
});
afterEach(async () => {
  await bridge?.stop();
  await tmp.cleanup();
});

const spooled = () => spoolFiles(tmp.dir, "state");

describe("receive", () => {
  it("greets with our name, announces SIZE, offers neither AUTH nor STARTTLS without a certificate", async () => {
    await start({ MAX_MESSAGE_BYTES: "100000" });
    const c = await RawSmtp.connect(bridge.port);
    expect(c.greeting.text).toMatch(/^220 mx1\.bridge\.test ESMTP/);
    const ehlo = await c.command("EHLO client.test");
    expect(ehlo.code).toBe(250);
    expect(ehlo.text).toMatch(/^250[ -]SIZE 100000$/m);
    expect(ehlo.text).not.toMatch(/AUTH|STARTTLS/);
    expect((await c.command("AUTH PLAIN AGFAYg==")).code).toBeGreaterThanOrEqual(500);
    await c.quit();
  });

  it("accepts a forward and spools it before answering 250", async () => {
    await start();
    const r = await sendMail(bridge.port, { from: "alice@sender.test", to: [ALIAS], data: message("alice@sender.test", ALIAS) });
    expect(r.rcpt[0]!.code).toBe(250);
    expect(r.data!.text).toMatch(/^250 2\.0\.0 Message accepted for delivery as [0-9a-z]{9}-[0-9a-f]{10}$/);
    const id = /as (\S+)$/.exec(r.data!.text)![1]!;
    expect(await spooled()).toEqual([`${id}.json`]);
    expect(await spoolFiles(tmp.dir, "messages")).toEqual([`${id}.eml`]);
    expect(directory.calls).toEqual([{ mailFrom: "alice@sender.test", rcptTo: ALIAS, clientIp: "127.0.0.1" }]);
  });

  it("refuses an unknown alias at RCPT with the Worker's 550 and spools nothing", async () => {
    await start();
    const r = await sendMail(bridge.port, { from: "alice@sender.test", to: ["nobody@alias.test"], data: "x" });
    expect(r.rcpt[0]!.text).toBe("550 5.1.1 Address unknown");
    expect(r.data).toBeUndefined();
    expect(await spooled()).toEqual([]);
  });

  it("passes a Worker defer through as its 4xx", async () => {
    await start({}, { [ALIAS]: answers.defer() });
    const r = await sendMail(bridge.port, { from: "alice@sender.test", to: [ALIAS], data: "x" });
    expect(r.rcpt[0]!.text).toBe("450 4.2.1 Try again later");
    expect(await spooled()).toEqual([]);
  });

  it("answers 451 4.3.0 when the directory cannot be reached", async () => {
    await start();
    const r = await sendMail(bridge.port, { from: "alice@sender.test", to: [DOWN], data: "x" });
    expect(r.rcpt[0]!.text).toBe("451 4.3.0 Temporary lookup failure, please try again later");
    expect(await spooled()).toEqual([]);
  });

  it.each([
    ["bare LF", "Subject: x\r\n\r\nfirst\nsecond\r\n"],
    ["bare CR", "Subject: x\r\n\r\nfirst\rsecond\r\n"],
    ["smuggled second message", "Subject: x\r\n\r\nbody\n.\r\nMAIL FROM:<evil@sender.test>\r\n"],
    ["CR at the end of the header", "Subject: x\r\r\n\r\nbody\r\n"],
  ])("refuses a message with a %s with 550 5.6.0 and spools nothing", async (_name, data) => {
    await start();
    const r = await sendMail(bridge.port, { from: "alice@sender.test", to: [ALIAS], data });
    expect(r.data!.text).toBe("550 5.6.0 Message contains bare CR or LF, refused");
    expect(await spooled()).toEqual([]);
    expect(await spoolFiles(tmp.dir, "messages")).toEqual([]);
  });

  it("refuses a message over MAX_MESSAGE_BYTES with 552 5.3.4 after reading it, and the session goes on", async () => {
    await start({ MAX_MESSAGE_BYTES: "2048" });
    const c = await RawSmtp.connect(bridge.port);
    await c.command("EHLO client.test");
    await c.command("MAIL FROM:<alice@sender.test>");
    await c.command(`RCPT TO:<${ALIAS}>`);
    const big = message("alice@sender.test", ALIAS, "big", `${"x".repeat(70)}\r\n`.repeat(60));
    expect((await c.data(big)).text).toBe("552 5.3.4 Message size exceeds fixed maximum message size");
    // The whole message was consumed: the same connection can send a small one.
    await c.command("MAIL FROM:<alice@sender.test>");
    await c.command(`RCPT TO:<${ALIAS}>`);
    expect((await c.data(message("alice@sender.test", ALIAS))).code).toBe(250);
    await c.quit();
    expect((await spooled()).length).toBe(1);
  });

  describe("a large message goes to disk while it arrives, and a refused one leaves nothing there", () => {
    const lines = (n: number) => `${"y".repeat(76)}\r\n`.repeat(n); // 78 octets a line
    const nothingSpooled = async () => {
      for (const sub of ["tmp", "messages", "state"]) expect(await spoolFiles(tmp.dir, sub), sub).toEqual([]);
    };

    it("a bare LF after 2 MiB: 550 5.6.0, the bytes written so far removed", async () => {
      await start();
      const data = message("alice@sender.test", ALIAS, "late smuggling", `${lines(27_000)}bad\nline\r\n`);
      const r = await sendMail(bridge.port, { from: "alice@sender.test", to: [ALIAS], data });
      expect(r.data!.text).toBe("550 5.6.0 Message contains bare CR or LF, refused");
      await nothingSpooled();
    });

    it("over MAX_MESSAGE_BYTES after 1 MiB: 552 5.3.4, nothing kept", async () => {
      await start({ MAX_MESSAGE_BYTES: String(1024 * 1024) });
      const data = message("alice@sender.test", ALIAS, "too big", lines(20_000));
      const r = await sendMail(bridge.port, { from: "alice@sender.test", to: [ALIAS], data });
      expect(r.data!.text).toBe("552 5.3.4 Message size exceeds fixed maximum message size");
      await nothingSpooled();
    });

    it("a client that goes away in the middle: the partly written file is removed, nothing committed", async () => {
      await start();
      const c = await RawSmtp.connect(bridge.port);
      await c.command("EHLO client.test");
      await c.command("MAIL FROM:<alice@sender.test>");
      await c.command(`RCPT TO:<${ALIAS}>`);
      expect((await c.command("DATA")).code).toBe(354);
      c.write(message("alice@sender.test", ALIAS, "cut off", lines(13_000))); // 1 MiB, no terminator
      // It is being written to disk (beyond what is kept in memory) before the end of DATA, uncommitted ...
      await waitFor("the message file", async () => (await spoolFiles(tmp.dir, "messages")).length === 1);
      expect(await spoolFiles(tmp.dir, "state")).toEqual([]);
      c.destroy();
      // ... and removed when the client is gone.
      await waitFor("messages/ to empty", async () => (await spoolFiles(tmp.dir, "messages")).length === 0);
      await nothingSpooled();
    });

    it("a message of several MiB is spooled byte for byte", async () => {
      await start();
      const data = message("alice@sender.test", ALIAS, "large", lines(60_000));
      const r = await sendMail(bridge.port, { from: "alice@sender.test", to: [ALIAS], data });
      const id = /as (\S+)$/.exec(r.data!.text)![1]!;
      expect((await readFile(path.join(tmp.dir, "messages", `${id}.eml`))).equals(Buffer.from(data))).toBe(true);
      expect(await spoolFiles(tmp.dir, "tmp")).toEqual([]);
    });
  });

  it("accepts MAX_RECIPIENTS recipients and answers the next one 452 4.5.3", async () => {
    const many = Array.from({ length: 51 }, (_, i) => `user${i}@alias.test`);
    await start({}, Object.fromEntries(many.map((a) => [a, answers.forward(forwardPlan(a, ["real@dest.test"]))])));
    const r = await sendMail(bridge.port, { from: "alice@sender.test", to: many, data: message("alice@sender.test", many[0]!) });
    expect(r.rcpt.slice(0, 50).every((x) => x.code === 250)).toBe(true);
    expect(r.rcpt[50]!.text).toBe("452 4.5.3 Too many recipients");
    expect(directory.calls.length).toBe(50); // the 51st was never looked up
    expect(r.data!.code).toBe(250);
  });

  it.each([
    ["MAIL FROM:<a..b@sender.test>", 501, "501 5.1.7 Bad sender address syntax"],
    ["MAIL FROM:<alice@-sender.test>", 501, "501 5.1.7 Bad sender address syntax"],
    ["MAIL FROM:<alice@localhost>", 501, "501 5.1.7 Bad sender address syntax"],
  ])("refuses the sender %s", async (line, code, text) => {
    await start();
    const c = await RawSmtp.connect(bridge.port);
    await c.command("EHLO client.test");
    const reply = await c.command(line);
    expect(reply.code).toBe(code);
    expect(reply.text).toBe(text);
    await c.quit();
  });

  it.each([
    ["RCPT TO:<a..b@alias.test>", "553 5.1.3 Bad recipient address syntax"],
    ["RCPT TO:<shop@alias..test>", "553 5.1.3 Bad recipient address syntax"],
    [`RCPT TO:<${"x".repeat(65)}@alias.test>`, "553 5.1.3 Bad recipient address syntax"],
    ["RCPT TO:<shop@[127.0.0.1]>", "553 5.1.3 Bad recipient address syntax"],
  ])("refuses the recipient in %s without asking the directory", async (line, text) => {
    await start();
    const c = await RawSmtp.connect(bridge.port);
    await c.command("EHLO client.test");
    expect((await c.command("MAIL FROM:<>")).code).toBe(250); // the null sender is fine
    expect((await c.command(line)).text).toBe(text);
    expect(directory.calls).toEqual([]);
    await c.quit();
  });

  it("accepts mail to an inactive alias (discard) with 250 and spools it only to report `blocked`", async () => {
    await start();
    const r = await sendMail(bridge.port, { from: "alice@sender.test", to: [INACTIVE], data: message("alice@sender.test", INACTIVE) });
    expect(r.rcpt[0]!.code).toBe(250);
    expect(r.data!.code).toBe(250);
    const [stateFile] = await spooled();
    const state = JSON.parse(await readFile(`${tmp.dir}/state/${stateFile}`, "utf8"));
    expect(state.deliveries).toEqual([]);
    expect(state.unreported).toMatchObject([{ kind: "blocked", aliasId: "alias-inactive", userId: "user-1" }]);
  });

  it("limits connections per client address", async () => {
    await start({ MAX_CONNECTIONS_PER_IP: "2" });
    const a = await RawSmtp.connect(bridge.port);
    const b = await RawSmtp.connect(bridge.port);
    const c = await RawSmtp.connect(bridge.port);
    expect(a.greeting.code).toBe(220);
    expect(b.greeting.code).toBe(220);
    expect(c.greeting.text).toBe("421 4.7.0 Too many connections from your address, try again later");
    await Promise.all([a.quit(), b.quit(), c.quit()]);
  });

  it("offers STARTTLS when a certificate is configured, and accepts mail over it", async () => {
    const { key, cert } = getTLSOptions(); // smtp-server's built-in localhost test certificate
    const keyFile = path.join(tmp.dir, "tls.key"); // beside the spool's subdirectories, removed with it
    const certFile = path.join(tmp.dir, "tls.crt");
    await writeFile(keyFile, String(key));
    await writeFile(certFile, String(cert));
    await start({ TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile });
    const c = await RawSmtp.connect(bridge.port);
    expect((await c.command("EHLO client.test")).text).toMatch(/^250[ -]STARTTLS$/m);
    await c.quit();
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port: bridge.port, requireTLS: true, tls: { rejectUnauthorized: false }, logger: false });
    const info = await transport.sendMail({ envelope: { from: "alice@sender.test", to: [ALIAS] }, raw: message("alice@sender.test", ALIAS) });
    transport.close();
    expect(info.response).toMatch(/^250 2\.0\.0 /);
    expect(await spooled()).toHaveLength(1);
  });

  it("on stop, hangs up idle sessions at once and lets a DATA in progress finish and be acknowledged", async () => {
    await start();
    const idle = await RawSmtp.connect(bridge.port);
    await idle.command("EHLO idle.test");
    const busy = await RawSmtp.connect(bridge.port);
    await busy.command("EHLO busy.test");
    await busy.command("MAIL FROM:<alice@sender.test>");
    await busy.command(`RCPT TO:<${ALIAS}>`);
    expect((await busy.command("DATA")).code).toBe(354);
    busy.write("From: alice@sender.test\r\nSubject: in flight\r\n\r\nfirst half\r\n");

    const stopped = bridge.stop();
    expect((await idle.reply()).text).toBe("421 4.3.2 Service shutting down, try again later");
    busy.write("second half\r\n.\r\n");
    expect((await busy.reply()).code).toBe(250);
    expect((await busy.reply()).code).toBe(421);
    await stopped;
    expect(await spooled()).toHaveLength(1);
    await Promise.all([idle.quit(), busy.quit()]);
  });
});
