/**
 * The queue's retry and failure behaviour with a real sink that answers as told, a scaled-down retry
 * schedule (100 ms) and fast polling. The Worker is replaced by a fake directory and reporter
 * (see ./support.ts).
 */
import { readFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../bridge/log.js";
import { type BridgeOverrides, type RunningBridge, startBridge } from "../../bridge/main.js";
import { type SinkOptions, startSink } from "../../bridge/dev/sink.js";
import { MailError } from "../../bridge/mail/errors.js";
import type { Signer } from "../../bridge/mail/types.js";
import { createDkimSigner } from "../../bridge/sign/dkim.js";
import { sendMail } from "../helpers/smtp.js";
import {
  answers, DKIM_KEY, fakeDirectory, fakeReporter, forwardPlan, message, sinkAt, sinkMessages, spoolFiles,
  tempDir, testConfig, waitFor,
} from "./support.js";

const ALIAS = "shop@alias.test";
const signer = createDkimSigner({ selector: "s1", privateKey: DKIM_KEY.privateKey });

let spool: Awaited<ReturnType<typeof tempDir>>;
let outbox: Awaited<ReturnType<typeof tempDir>>;
let sink: Awaited<ReturnType<typeof sinkAt>> | undefined;
let bridge: RunningBridge | undefined;
let reporter: ReturnType<typeof fakeReporter>;
/** Every DATA / RCPT the sink saw, with what it answered. */
let seen: Array<{ stage: string; code: number }>;

async function start(respond: (stage: "rcpt" | "data", count: number) => { code: number; message: string } | undefined,
  env: Record<string, string> = {}, overrides: BridgeOverrides = {}) {
  seen = [];
  const decide: SinkOptions["respond"] = ({ stage, count }) => {
    const reply = respond(stage, count);
    seen.push({ stage, code: reply?.code ?? 250 });
    return reply;
  };
  sink = await sinkAt(outbox.dir, decide);
  reporter = fakeReporter();
  bridge = await startBridge(testConfig(spool.dir, { RELAY_URL: `smtp://127.0.0.1:${sink.port}`, RETRY_SCHEDULE: "100ms", ...env }), {
    directory: fakeDirectory({ [ALIAS]: answers.forward(forwardPlan(ALIAS, ["jane@real.test"])) }),
    reporter, signer, log: createLogger("silent", "mx1"), ...overrides,
  });
  const r = await sendMail(bridge.port, { from: "alice@sender.test", to: [ALIAS], data: message("alice@sender.test", ALIAS) });
  expect(r.data?.code).toBe(250);
}

const dataAttempts = () => seen.filter((s) => s.stage === "data").length;
const spoolEmpty = async () => (await spoolFiles(spool.dir, "state")).length === 0;

beforeEach(async () => {
  spool = await tempDir("retry-spool");
  outbox = await tempDir("retry-outbox");
});
afterEach(async () => {
  await bridge?.stop();
  await sink?.close();
  bridge = undefined;
  sink = undefined;
  await spool.cleanup();
  await outbox.cleanup();
});

describe("retries", () => {
  it("retries after a 451 and delivers exactly once", async () => {
    await start((stage, count) => (stage === "data" && count === 1 ? { code: 451, message: "4.3.0 busy, try later" } : undefined));
    await waitFor("delivery and clean-up", async () => (await sinkMessages(outbox.dir)).length === 1 && await spoolEmpty());
    expect(dataAttempts()).toBe(2);
    expect(seen.map((s) => s.code)).toEqual([250, 451, 250, 250]); // rcpt, data, rcpt, data
    expect(await sinkMessages(outbox.dir)).toHaveLength(1);
    expect(reporter.events.map((e) => e.kind)).toEqual(["forwarded"]);
  });

  it("records a 550 at DATA as one hard failure and never retries it", async () => {
    await start((stage) => (stage === "data" ? { code: 550, message: "5.7.1 rejected by policy" } : undefined));
    await waitFor("the failed event", async () => reporter.events.length === 1 && await spoolEmpty());
    await new Promise((r) => setTimeout(r, 400)); // four retry periods: a retry would show here
    expect(dataAttempts()).toBe(1);
    expect(reporter.events).toMatchObject([{
      kind: "failed", aliasId: "alias-shop@alias.test", recipientId: "rcp-1", destination: "jane@real.test",
      sender: "alice@sender.test", status: "5.7.1", diagnostic: "550 5.7.1 rejected by policy", bounceType: "hard",
    }]);
    expect(await sinkMessages(outbox.dir)).toEqual([]);
  });

  it("records a 550 at RCPT as a hard failure", async () => {
    await start((stage) => (stage === "rcpt" ? { code: 550, message: "5.1.1 no such user" } : undefined));
    await waitFor("the failed event", async () => reporter.events.length === 1 && await spoolEmpty());
    expect(reporter.events).toMatchObject([{ kind: "failed", status: "5.1.1", bounceType: "hard" }]);
    expect(seen).toEqual([{ stage: "rcpt", code: 550 }]);
  });

  it("gives up on a temporary failure after MAX_QUEUE_AGE with a soft failure", async () => {
    await start((stage) => (stage === "data" ? { code: 452, message: "4.2.2 mailbox full" } : undefined), { MAX_QUEUE_AGE: "600ms" });
    await waitFor("the failed event", async () => reporter.events.length === 1 && await spoolEmpty());
    expect(dataAttempts()).toBeGreaterThanOrEqual(3);
    expect(reporter.events).toMatchObject([{ kind: "failed", status: "4.2.2", bounceType: "soft" }]);
    const attempts = dataAttempts();
    await new Promise((r) => setTimeout(r, 300));
    expect(dataAttempts()).toBe(attempts); // nothing after giving up
  });

  it("retries when the relay is down, then delivers once it is up", async () => {
    // Start a sink to learn a free port, close it, and let the bridge find nothing there at first.
    sink = await sinkAt(outbox.dir);
    const port = sink.port;
    await sink.close();
    sink = undefined;
    reporter = fakeReporter();
    bridge = await startBridge(testConfig(spool.dir, { RELAY_URL: `smtp://127.0.0.1:${port}`, RETRY_SCHEDULE: "100ms" }), {
      directory: fakeDirectory({ [ALIAS]: answers.forward(forwardPlan(ALIAS, ["jane@real.test"])) }),
      reporter, signer, log: createLogger("silent", "mx1"),
    });
    await sendMail(bridge.port, { from: "alice@sender.test", to: [ALIAS], data: message("alice@sender.test", ALIAS) });
    const stateFile = `${spool.dir}/state/${(await spoolFiles(spool.dir, "state"))[0]}`;
    await waitFor("a failed attempt", async () => JSON.parse(await readFile(stateFile, "utf8")).deliveries[0].attempts >= 1);
    const state = JSON.parse(await readFile(stateFile, "utf8"));
    expect(state.deliveries[0]).toMatchObject({ status: "pending" });
    expect(state.deliveries[0].lastReply).toMatch(/^451 4\.4\.1 (ESOCKET|ECONNECTION)/);
    sink = await startSink({ host: "127.0.0.1", port, dir: outbox.dir });
    await waitFor("delivery", async () => (await sinkMessages(outbox.dir)).length === 1 && await spoolEmpty());
    expect(reporter.events.map((e) => e.kind)).toEqual(["forwarded"]);
  });
});

describe("transform and sign failures", () => {
  it("fails the recipient at once on a permanent signing error, without looping", async () => {
    let calls = 0;
    const broken = async () => {
      calls++;
      throw new MailError("sign", { code: 554, enhanced: "5.6.0", message: "Message cannot be signed" });
    };
    await start(() => undefined, {}, { signer: broken });
    await waitFor("the failed event", async () => reporter.events.length === 1 && await spoolEmpty());
    await new Promise((r) => setTimeout(r, 300));
    expect(calls).toBe(1);
    expect(reporter.events).toMatchObject([{ kind: "failed", status: "5.6.0", bounceType: "hard", diagnostic: "554 5.6.0 Message cannot be signed" }]);
    expect(seen).toEqual([]); // nothing was sent
  });

  it("retries an unexpected signing error (treated as temporary) and delivers once it works", async () => {
    let calls = 0;
    const flaky: Signer = async (m, d) => {
      calls++;
      if (calls === 1) throw new Error("HSM not ready");
      return signer(m, d);
    };
    await start(() => undefined, {}, { signer: flaky });
    await waitFor("delivery", async () => (await sinkMessages(outbox.dir)).length === 1 && await spoolEmpty());
    expect(calls).toBe(2);
    expect(reporter.events.map((e) => e.kind)).toEqual(["forwarded"]);
  });
});
