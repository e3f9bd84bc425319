/**
 * The resolve and report stages against an HTTP server on loopback. The Worker is replaced by a fake
 * (./fake-worker.ts) that verifies signatures with the Worker's own `verifyRequest`; the real Worker's
 * endpoints are covered by the lead's Worker and integration tests.
 */
import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../bridge/log.js";
import { MailError } from "../../bridge/mail/errors.js";
import { createWorkerReporter } from "../../bridge/report/worker-reporter.js";
import { createWorkerDirectory } from "../../bridge/resolve/worker-directory.js";
import { workerClient } from "../../bridge/worker-client.js";
import { startFakeWorker, type FakeWorker } from "./fake-worker.js";
import { answers, forwardPlan } from "./support.js";

const SECRET = "directory-secret-0123456789";
const ALIAS = "shop@alias.test";
const req = { mailFrom: "alice@sender.test", rcptTo: ALIAS, clientIp: "192.0.2.1" };

let worker: FakeWorker;
let logLines: Array<{ level: number; msg: string }>;

function directory(secret = SECRET, timeoutMs = 2000) {
  logLines = [];
  const sink = new Writable({ write(chunk, _enc, cb) { logLines.push(JSON.parse(String(chunk))); cb(); } });
  const log = createLogger("info", "mx1", sink);
  return createWorkerDirectory({ post: workerClient({ workerUrl: worker.url, nodeName: "mx1", secret }), timeoutMs, log });
}

async function refusal(p: Promise<unknown>): Promise<MailError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(MailError);
  return err as MailError;
}

beforeEach(async () => {
  worker = await startFakeWorker({ mx1: SECRET }, { [ALIAS]: answers.forward(forwardPlan(ALIAS, ["jane@real.test"])) });
});
afterEach(() => worker.close());

describe("worker directory", () => {
  it("sends a signed request and returns the validated answer", async () => {
    const answer = await directory().resolve(req);
    expect(answer).toMatchObject({ action: "forward", plan: { aliasEmail: ALIAS, recipients: [{ email: "jane@real.test" }] } });
    expect(worker.resolveCalls).toEqual([req]);
  });

  it("passes a reject through (the receiver answers it)", async () => {
    expect(await directory().resolve({ ...req, rcptTo: "nobody@alias.test" })).toMatchObject({ action: "reject", reply: { code: 550 } });
  });

  it("turns a 401 into 451 4.3.0 and logs an error about the secret", async () => {
    const err = await refusal(directory("wrong-secret-0123456789").resolve(req));
    expect([err.smtpCode, err.enhanced]).toEqual([451, "4.3.0"]);
    expect(worker.unauthorized).toBe(1);
    expect(logLines.some((l) => l.level >= 50 && l.msg.includes("BRIDGE_SECRET"))).toBe(true);
  });

  it("turns a 5xx into 451 4.3.0", async () => {
    worker.failWith = 503;
    const err = await refusal(directory().resolve(req));
    expect([err.smtpCode, err.enhanced, err.temporary]).toEqual([451, "4.3.0", true]);
  });

  it("turns a timeout into 451 4.3.0", async () => {
    worker.resolveDelayMs = 1000;
    const started = Date.now();
    const err = await refusal(directory(SECRET, 200).resolve(req));
    expect(err.smtpCode).toBe(451);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it("turns an answer that fails the schema into 451 4.3.0", async () => {
    worker.rawResolveBody = JSON.stringify({ action: "forward", reply: { code: 250, enhanced: "2.1.5", message: "OK" } }); // no plan
    expect((await refusal(directory().resolve(req))).smtpCode).toBe(451);
    worker.rawResolveBody = "not json";
    expect((await refusal(directory().resolve(req))).smtpCode).toBe(451);
  });

  it("does not trust a reject that carries a 2xx or 4xx code", async () => {
    worker.rawResolveBody = JSON.stringify({ action: "reject", reply: { code: 250, enhanced: "2.0.0", message: "OK" } });
    expect((await refusal(directory().resolve(req))).smtpCode).toBe(451);
  });

  it("turns a refused connection into 451 4.3.0", async () => {
    await worker.close();
    expect((await refusal(directory().resolve(req))).smtpCode).toBe(451);
  });
});

describe("worker reporter", () => {
  const event = { id: "6f1c1a4e-8a53-4a8e-9d43-2f7c2f3b0a11", kind: "forwarded" as const, aliasId: "a", userId: "u", bytes: 10, at: new Date().toISOString() };

  it("posts events signed; the Worker applies each id once", async () => {
    const reporter = createWorkerReporter(workerClient({ workerUrl: worker.url, nodeName: "mx1", secret: SECRET }), 2000);
    await reporter.report([event]);
    await reporter.report([event]);
    expect(worker.events).toEqual([event]);
  });

  it("throws on a non-2xx answer so the queue keeps the events", async () => {
    worker.failWith = 500;
    const reporter = createWorkerReporter(workerClient({ workerUrl: worker.url, nodeName: "mx1", secret: SECRET }), 2000);
    await expect(reporter.report([event])).rejects.toThrow(/HTTP 500/);
    const unsigned = createWorkerReporter(workerClient({ workerUrl: worker.url, nodeName: "mx1", secret: "other-secret-0123456789" }), 2000);
    worker.failWith = null;
    await expect(unsigned.report([event])).rejects.toThrow(/HTTP 401/);
    expect(worker.events).toEqual([]);
  });
});
