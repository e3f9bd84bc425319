/**
 * The whole bridge path for a forward, over real sockets: nodemailer client → bridge (receive, spool,
 * transform, DKIM, deliver) → a real SMTP sink as RELAY_URL. The Worker is replaced by a fake directory
 * and a fake reporter (see ./support.ts).
 */
import { randomBytes } from "node:crypto";
import { dkimVerify } from "mailauth";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../bridge/log.js";
import { type RunningBridge, startBridge } from "../../bridge/main.js";
import { createDkimSigner } from "../../bridge/sign/dkim.js";
import { dkimTxtRecord } from "../../bridge/sign/keys.js";
import { sendWithNodemailer } from "../helpers/smtp.js";
import {
  answers, DKIM_KEY, fakeDirectory, fakeReporter, forwardPlan, message, sinkAt, sinkMessages, spoolFiles,
  tempDir, testConfig, waitFor,
} from "./support.js";

const ALIAS = "shop@alias.test";
const DUO = "duo@alias.test";
const INACTIVE = "inactive@alias.test";
const BANNER = "banner@alias.test";

let spool: Awaited<ReturnType<typeof tempDir>>;
let outbox: Awaited<ReturnType<typeof tempDir>>;
let sink: Awaited<ReturnType<typeof sinkAt>>;
let bridge: RunningBridge;
let reporter: ReturnType<typeof fakeReporter>;

beforeEach(async () => {
  spool = await tempDir("fwd-spool");
  outbox = await tempDir("fwd-outbox");
  sink = await sinkAt(outbox.dir);
  reporter = fakeReporter();
  bridge = await startBridge(testConfig(spool.dir, { RELAY_URL: `smtp://127.0.0.1:${sink.port}` }), {
    directory: fakeDirectory({
      [ALIAS]: answers.forward(forwardPlan(ALIAS, ["jane@real.test"])),
      [DUO]: answers.forward(forwardPlan(DUO, ["jane@real.test", "joe@real.test"], { aliasId: "alias-duo" })),
      [INACTIVE]: answers.discard("alias-inactive"),
      [BANNER]: answers.forward(forwardPlan(BANNER, ["jane@real.test"], {
        aliasId: "alias-banner", display: { fromFormat: 0, bannerLocation: "top", useReplyTo: false, aliasDescription: null },
      })),
    }),
    reporter,
    signer: createDkimSigner({ selector: "s1", privateKey: DKIM_KEY.privateKey }),
    log: createLogger("silent", "mx1"),
  });
});
afterEach(async () => {
  await bridge.stop();
  await sink.close();
  await spool.cleanup();
  await outbox.cleanup();
});

/** DNS for the DKIM check: only our key record, from a table (no network). */
const dkimResolver = async (name: string, rr: string) => {
  if (rr === "TXT" && name === "s1._domainkey.example.test") return [[dkimTxtRecord(DKIM_KEY.privateKey)]];
  throw Object.assign(new Error("ENOTFOUND"), { code: "ENOTFOUND" });
};

describe("forward", () => {
  it("delivers one rewritten, DKIM-signed copy to the real recipient and reports it once", async () => {
    const raw = message("alice@sender.test", ALIAS, "Order 42");
    const info = await sendWithNodemailer(bridge.port, { from: "alice@sender.test", to: [ALIAS], raw });
    expect(info.response).toMatch(/^250 2\.0\.0 /);

    const got = (await waitFor("the sink to get the message", async () => (await sinkMessages(outbox.dir))[0]))!;
    await waitFor("the spool to empty", async () => (await spoolFiles(spool.dir, "state")).length === 0);
    expect(await sinkMessages(outbox.dir)).toHaveLength(1);

    expect(got.mailFrom).toBe("bounces@example.test");
    expect(got.rcptTo).toEqual(["jane@real.test"]);
    const text = got.eml.toString("utf8");
    const from = /^From:(.*(?:\r\n[ \t].*)*)/im.exec(text)![1]!;
    expect(from).not.toContain("<alice@sender.test>"); // the correspondent's address is behind a reverse alias
    expect(from).toMatch(/<shop\+alice=sender\.test@alias\.test>/);
    expect(text).toMatch(/^Subject: Order 42\r$/m);
    expect(text).toMatch(/^DKIM-Signature:.*d=example\.test/m);

    const dkim = await dkimVerify(got.eml, { resolver: dkimResolver as never });
    expect(dkim.results.map((r) => r.status.result)).toEqual(["pass"]);

    await waitFor("the forwarded event", () => reporter.events.length === 1);
    expect(reporter.events).toMatchObject([
      { kind: "forwarded", aliasId: "alias-shop@alias.test", userId: "user-1", bytes: Buffer.byteLength(raw) },
    ]);
  });

  it("a message far larger than DATA keeps in memory (a 6 MiB attachment) arrives intact: attachment byte for byte, banner in its text, signature valid", async () => {
    const attachment = [
      "--b1", "Content-Type: application/octet-stream", "Content-Transfer-Encoding: base64",
      'Content-Disposition: attachment; filename="big.bin"', "",
      randomBytes(4.5 * 1024 * 1024).toString("base64").replace(/.{76}/g, "$&\r\n"),
    ].join("\r\n");
    const raw = Buffer.from([
      "From: Alice <alice@sender.test>", `To: ${BANNER}`, "Subject: big", "Message-ID: <big-1@sender.test>",
      "MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="b1"', "",
      "--b1", "Content-Type: text/plain; charset=utf-8", "", "The file is attached.", "",
      attachment, "--b1--", "",
    ].join("\r\n"));
    expect(raw.length).toBeGreaterThan(6 * 1024 * 1024);
    expect((await sendWithNodemailer(bridge.port, { from: "alice@sender.test", to: [BANNER], raw })).response).toMatch(/^250 2\.0\.0 /);

    const got = (await waitFor("the sink to get the message", async () => (await sinkMessages(outbox.dir))[0], 60_000))!;
    expect(got.eml.includes(Buffer.from(`${attachment}\r\n--b1--\r\n`))).toBe(true);
    const textPart = /--b1\r\nContent-Type: text\/plain; charset=utf-8\r\n\r\n([\s\S]*?)\r\n--b1\r\n/.exec(got.eml.toString("latin1"))![1]!;
    expect(textPart).toMatch(/banner@alias\.test[\s\S]*\r\n\r\nThe file is attached\.\r\n$/); // the banner on top
    const dkim = await dkimVerify(got.eml, { resolver: dkimResolver as never });
    expect(dkim.results.map((r) => r.status.result)).toEqual(["pass"]);
    await waitFor("the spool to empty", async () => (await spoolFiles(spool.dir, "state")).length === 0);
    expect(await spoolFiles(spool.dir, "tmp")).toEqual([]);
    expect(await spoolFiles(spool.dir, "messages")).toEqual([]);
  });

  it("sends each recipient of the alias its own copy and counts the alias once", async () => {
    await sendWithNodemailer(bridge.port, { from: "alice@sender.test", to: [DUO], raw: message("alice@sender.test", DUO) });
    await waitFor("two deliveries", async () => (await sinkMessages(outbox.dir)).length === 2);
    await waitFor("the spool to empty", async () => (await spoolFiles(spool.dir, "state")).length === 0);
    const got = await sinkMessages(outbox.dir);
    expect(got.map((m) => m.rcptTo[0]).sort()).toEqual(["jane@real.test", "joe@real.test"]);
    expect(reporter.events.map((e) => e.kind)).toEqual(["forwarded"]);
  });

  it("reports `blocked` for a discarded alias and delivers nothing", async () => {
    await sendWithNodemailer(bridge.port, { from: "alice@sender.test", to: [INACTIVE], raw: message("alice@sender.test", INACTIVE) });
    await waitFor("the blocked event", () => reporter.events.length === 1);
    await waitFor("the spool to empty", async () => (await spoolFiles(spool.dir, "state")).length === 0);
    expect(reporter.events).toMatchObject([{ kind: "blocked", aliasId: "alias-inactive" }]);
    expect(await sinkMessages(outbox.dir)).toEqual([]);
  });

  it("keeps events while the Worker is unreachable and reports them later", async () => {
    await bridge.stop();
    bridge = await startBridge(testConfig(spool.dir, { RELAY_URL: `smtp://127.0.0.1:${sink.port}`, REPORT_RETRY: "300ms" }), {
      directory: fakeDirectory({ [ALIAS]: answers.forward(forwardPlan(ALIAS, ["jane@real.test"])) }),
      reporter, signer: async (m) => m, log: createLogger("silent", "mx1"),
    });
    reporter.failing = true;
    await sendWithNodemailer(bridge.port, { from: "alice@sender.test", to: [ALIAS], raw: message("alice@sender.test", ALIAS) });
    await waitFor("delivery", async () => (await sinkMessages(outbox.dir)).length === 1);
    await waitFor("a failed report", () => reporter.calls >= 1);
    expect(await spoolFiles(spool.dir, "state")).toHaveLength(1); // kept: its event is not acknowledged yet
    reporter.failing = false;
    await waitFor("the spool to empty", async () => (await spoolFiles(spool.dir, "state")).length === 0);
    expect(reporter.calls).toBeGreaterThanOrEqual(2);
    expect(reporter.events.map((e) => e.kind)).toEqual(["forwarded"]);
    expect(await sinkMessages(outbox.dir)).toHaveLength(1); // reporting again did not deliver again
  });
});
