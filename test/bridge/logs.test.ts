/**
 * The bridge's logs (pino JSON lines): every line about a spooled message carries its `spoolId`, every
 * line about an SMTP session before spooling carries the session id, and real recipient addresses stay
 * out of lines at info level and above (bridge/log.ts). The Worker is replaced by a fake directory and
 * reporter (./support.ts); the socket, spool, signer and the SMTP sink are real.
 */
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../bridge/log.js";
import { type RunningBridge, startBridge } from "../../bridge/main.js";
import { sendMail } from "../helpers/smtp.js";
import { answers, fakeDirectory, fakeReporter, forwardPlan, message, sinkAt, sinkMessages, spoolFiles, tempDir, testConfig, waitFor } from "./support.js";

const ALIAS = "shop@alias.test";
const REAL = "jane@real.test";
const lines: Record<string, unknown>[] = [];
let spool: Awaited<ReturnType<typeof tempDir>>;
let outbox: Awaited<ReturnType<typeof tempDir>>;
let sink: Awaited<ReturnType<typeof sinkAt>>;
let bridge: RunningBridge;
let deferNext = 1;

beforeAll(async () => {
  spool = await tempDir("logs-spool");
  outbox = await tempDir("logs-outbox");
  sink = await sinkAt(outbox.dir, ({ stage }) => (stage === "data" && deferNext-- > 0 ? { code: 451, message: "4.3.0 later" } : undefined));
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split("\n")) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  bridge = await startBridge(testConfig(spool.dir, { RELAY_URL: `smtp://127.0.0.1:${sink.port}`, RETRY_SCHEDULE: "100ms" }), {
    directory: fakeDirectory({ [ALIAS]: answers.forward(forwardPlan(ALIAS, [REAL])), "off@alias.test": answers.discard("alias-off") }),
    reporter: fakeReporter(),
    log: createLogger("debug", "mx1", stream),
  });
});
afterAll(async () => {
  await bridge?.stop();
  await sink?.close();
  await spool?.cleanup();
  await outbox?.cleanup();
});

describe("log lines", () => {
  it("name the spooled message or the SMTP session they are about, and keep real addresses out of info", async () => {
    expect((await sendMail(bridge.port, { from: "a@sender.test", to: [ALIAS], data: message("a@sender.test", ALIAS, "logged") })).data?.code).toBe(250);
    expect((await sendMail(bridge.port, { from: "a@sender.test", to: ["off@alias.test"], data: message("a@sender.test", "off@alias.test") })).data?.code).toBe(250);
    expect((await sendMail(bridge.port, { from: "a@sender.test", to: ["nobody@alias.test"], data: "x" })).rcpt[0]!.code).toBe(550);
    expect((await sendMail(bridge.port, { from: "a@sender.test", to: [ALIAS], data: "Subject: x\n\nbare LF\r\n" })).data?.code).toBe(550);
    await waitFor("delivery after one deferral", async () => (await sinkMessages(outbox.dir)).length === 1);
    await waitFor("the spool to empty", async () => (await spoolFiles(spool.dir, "state")).length === 0);
    await bridge.stop();

    const byMsg = (m: string) => lines.filter((l) => l.msg === m);
    for (const m of ["receive:accepted", "deliver:deferred", "deliver:delivered", "report:sent", "spool:done"]) {
      expect(byMsg(m).length, m).toBeGreaterThan(0);
    }
    const aboutMessages = lines.filter((l) => /^(deliver:|report:|spool:done|transform:failed|sign:failed|receive:accepted)/.test(String(l.msg)));
    expect(aboutMessages.filter((l) => !/^[0-9a-z]{9}-[0-9a-f]{10}$/.test(String(l.spoolId)))).toEqual([]);
    const aboutSessions = lines.filter((l) => String(l.msg).startsWith("receive:"));
    expect(aboutSessions.map((l) => l.msg)).toEqual(expect.arrayContaining(["receive:rcpt-refused", "receive:bare-line-ending"]));
    for (const l of aboutSessions) expect(typeof l.session, JSON.stringify(l)).toBe("string");
    // One message's lines can be followed from SMTP session to delivery by these two ids.
    const accepted = byMsg("receive:accepted")[0]!;
    expect(lines.filter((l) => l.spoolId === accepted.spoolId).map((l) => l.msg)).toEqual(expect.arrayContaining(["deliver:deferred", "deliver:delivered", "spool:done"]));
    // pino levels: 30 info and above.
    const infoAndAbove = lines.filter((l) => Number(l.level) >= 30).map((l) => JSON.stringify(l));
    expect(infoAndAbove.filter((l) => l.includes(REAL))).toEqual([]);
  });
});
