/**
 * A bridge (in-process, `startBridge`) against the real Worker (workerd, MariaDB behind the simulator)
 * and a real SMTP sink: heartbeats reach `mx_nodes`, maintenance mode answers `451 4.3.2` at RCPT and
 * holds spooled mail until it ends (learnt through the heartbeat even with no mail arriving), and the
 * Prometheus listener counts sessions, acceptances, refusals by code and delivery attempts.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../bridge/config.js";
import { type RunningBridge, startBridge } from "../../bridge/main.js";
import { mxNodes } from "../../db/schema/index.js";
import { sendMail } from "../helpers/smtp.js";
import { SECRETS, type TestWorker, startTestWorker } from "../helpers/worker.js";
import { message, sinkAt, sinkMessages, spoolFiles, tempDir, waitFor } from "./support.js";

let w: TestWorker;
let bridge: RunningBridge;
let sink: Awaited<ReturnType<typeof sinkAt>>;
let spool: Awaited<ReturnType<typeof tempDir>>;
let outbox: Awaited<ReturnType<typeof tempDir>>;
let sinkAnswer: { code: number; message: string } | undefined;
let dataAttempts = 0;

beforeAll(async () => {
  w = await startTestWorker();
  await w.call("/internal/v1/admin/shared-domains", { domain: "opsmail.test" }, "admin");
  await w.call("/internal/v1/admin/users", { username: "otto", recipient: "otto@mailbox.example" }, "admin");
  spool = await tempDir("ops-spool");
  outbox = await tempDir("ops-outbox");
  sink = await sinkAt(outbox.dir, ({ stage }) => {
    if (stage !== "data") return undefined;
    dataAttempts++;
    return sinkAnswer;
  });
  bridge = await startBridge(loadConfig({
    NODE_NAME: "mx1", BRIDGE_SECRET: SECRETS.mx1, WORKER_URL: w.url, SMTP_PORT: "0", HOSTNAME: "mx1.opsmail.test",
    SPOOL_DIR: spool.dir, RELAY_URL: `smtp://127.0.0.1:${sink.port}`, LOG_LEVEL: "silent",
    QUEUE_POLL_MS: "50", RETRY_SCHEDULE: "200ms", HEARTBEAT_INTERVAL: "200ms", METRICS_PORT: "0",
  }));
}, 120_000);
afterAll(async () => {
  await bridge?.stop();
  await sink?.close();
  await w?.close();
  await spool?.cleanup();
  await outbox?.cleanup();
});

const send = (to: string, subject: string) => sendMail(bridge.port, { from: "alice@sender.example", to: [to], data: message("alice@sender.example", to, subject) });
const node = async () => (await w.db.select().from(mxNodes).where(eq(mxNodes.name, "mx1")))[0];
const scrape = async () => (await fetch(`http://127.0.0.1:${bridge.metricsPort}/metrics`)).text();
const metric = (text: string, line: RegExp) => Number(text.split("\n").find((l) => line.test(l))?.split(" ").pop() ?? NaN);

describe("heartbeats", () => {
  it("report the bridge's role, version, host and queue to the Worker", async () => {
    const row = await waitFor("a heartbeat row", node);
    expect(row).toMatchObject({ role: "primary", version: "0.1.0", hostname: "mx1.opsmail.test", queueDepth: 0, holding: false });
  });
});

describe("maintenance mode", () => {
  it("answers 451 4.3.2 at RCPT and holds spooled mail until it ends; then delivers it once", async () => {
    sinkAnswer = { code: 451, message: "4.3.0 try later" }; // keeps the first message queued
    const before = await send("held@otto.opsmail.test", "held through maintenance");
    expect(before.data?.code).toBe(250);
    const attempts = dataAttempts;
    await waitFor("a deferred attempt", () => dataAttempts > attempts);

    const on = await w.call<{ on: boolean }>("/internal/v1/admin/maintenance", { on: true }, "admin");
    expect(on.body.on).toBe(true);
    // No mail arrives: the bridge learns it from its heartbeat and says so in the next one.
    await waitFor("the bridge to hold", async () => (await node())?.holding === true);
    sinkAnswer = undefined; // the recipient's server would accept now, but the bridge holds
    const during = await send("during@otto.opsmail.test", "refused during maintenance");
    expect(during.rcpt[0]!.code).toBe(451);
    expect(during.rcpt[0]!.text).toMatch(/^451 4\.3\.2 /);
    await new Promise((r) => setTimeout(r, 800)); // several retry periods of the scaled schedule
    expect(await sinkMessages(outbox.dir)).toHaveLength(0);
    expect(await spoolFiles(spool.dir, "state")).toHaveLength(1);
    expect(metric(await scrape(), /^veilmail_maintenance\{/)).toBe(1);

    await w.call("/internal/v1/admin/maintenance", { on: false }, "admin");
    const msgs = (await waitFor("delivery after maintenance", async () => {
      const m = await sinkMessages(outbox.dir);
      return m.length > 0 ? m : null;
    }))!;
    expect(msgs[0]!.eml.toString()).toMatch(/^Subject: held through maintenance\r$/m);
    await waitFor("the spool to empty", async () => (await spoolFiles(spool.dir, "state")).length === 0);
    expect(await sinkMessages(outbox.dir)).toHaveLength(1);
    expect((await send("after@otto.opsmail.test", "after maintenance")).data?.code).toBe(250);
  });
});

describe("metrics", () => {
  it("count sessions, acceptances, refusals by code and delivery attempts", async () => {
    const base = await scrape();
    const accepted0 = metric(base, /^veilmail_messages_accepted_total\{/);
    const refused0 = metric(base, /^veilmail_smtp_refused_total\{code="550"/) || 0;
    const delivered0 = metric(base, /^veilmail_delivery_attempts_total\{result="delivered"/) || 0;
    expect((await send("nobody@opsmail.test", "unknown")).rcpt[0]!.code).toBe(550);
    expect((await send("counted@otto.opsmail.test", "counted")).data?.code).toBe(250);
    await waitFor("the delivery", async () => (await sinkMessages(outbox.dir)).some((m) => m.eml.includes("Subject: counted")));
    const text = (await waitFor("the attempt to be counted", async () => {
      const t = await scrape();
      return metric(t, /^veilmail_delivery_attempts_total\{result="delivered"/) > delivered0 ? t : null;
    }))!;
    expect(metric(text, /^veilmail_messages_accepted_total\{/)).toBe(accepted0 + 1);
    expect(metric(text, /^veilmail_smtp_refused_total\{code="550"/)).toBe(refused0 + 1);
    expect(metric(text, /^veilmail_smtp_sessions_total\{/)).toBeGreaterThanOrEqual(2);
    expect(metric(text, /^veilmail_delivery_latency_seconds_count\{.*result="delivered"/)).toBeGreaterThan(0);
    expect(text).toMatch(/^veilmail_queue_depth\{node="mx1"\} \d+$/m);
    expect((await fetch(`http://127.0.0.1:${bridge.metricsPort}/other`)).status).toBe(404);
  });
});
