/**
 * Fault injection on the bridge processes of the real dev stack (scripts/stack/stack.ts): kill -9 of mx1
 * during DATA, after our 250 and before delivery, and during delivery; SIGTERM under load; a restart with
 * 1,000 spooled messages. Senders behave like MTAs (./support/mta.ts): after a failure they try mx2, and
 * retry. Every scenario ends with its row of the suite's table: nothing lost, nothing duplicated.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../bridge/log.js";
import { initialState } from "../../bridge/pipeline/initial-state.js";
import { createFileSpool } from "../../bridge/spool/file-spool.js";
import { workerClient } from "../../bridge/worker-client.js";
import { ResolveResponse } from "../../common/internal-api.js";
import { RawSmtp } from "../helpers/smtp.js";
import { type FaultStack, startFaultStack } from "./support/fault-stack.js";
import { markers, recordRow, settle, tally } from "./support/ledger.js";
import { messageText, type MtaMessage, mtaSend, mtaSendAll } from "./support/mta.js";

let f: FaultStack;
beforeAll(async () => { f = await startFaultStack(); }, 240_000);
afterAll(async () => { await f?.stop(); });

const msg = (to: string, marker: string): MtaMessage => ({ from: "alice@sender.example", to, marker });
const until = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
const files = (dir: string) => { try { return readdirSync(dir); } catch { return []; } };
/** Waits for every spool to empty (deliveries done and events reported) and returns the Worker's counts. */
async function reportedCounts(aliases: string[], timeoutMs = 60_000): Promise<Map<string, number>> {
  await until("the spools to empty", () => f.spoolDirs().every((d) => files(path.join(d, "state")).length === 0), timeoutMs);
  return f.forwardedCounts(aliases);
}

describe("bridge processes killed and restarted", () => {
  it("kill -9 of mx1 during DATA: nothing half-spooled, the sender retries (mx2), each message delivered once", async () => {
    const to = `killdata@${f.domain}`;
    const sent = markers("killdata", 6);
    const c = await RawSmtp.connect(f.mx[0]!);
    await c.command("EHLO sender.faults.test");
    await c.command("MAIL FROM:<alice@sender.example>");
    expect((await c.command(`RCPT TO:<${to}>`)).code).toBe(250);
    expect((await c.command("DATA")).code).toBe(354);
    c.write(messageText(msg(to, sent[0]!)).slice(0, 150)); // half a message, no terminator
    await new Promise((r) => setTimeout(r, 200));
    await f.stack.bridges.mx1.kill();
    await c.quit();

    // The sending MTA never got a 250 for it, so it still has it: it retries, now on mx2, with the rest.
    const results = await mtaSendAll(f.mx, sent.map((m) => msg(to, m)), 3);
    expect(results.every((r) => r.acceptedBy === f.mx[1])).toBe(true);
    await f.stack.restartBridge("mx1");
    const row = await settle("kill -9 mx1 during DATA", sent, f.outboxDir, f.spoolDirs());
    recordRow(1, row);
    expect(files(path.join(f.spoolDir("mx1"), "messages"))).toEqual([]);
    expect(files(path.join(f.spoolDir("mx1"), "tmp"))).toEqual([]);
    expect(row).toMatchObject({ sent: 6, delivered: 6, lost: 0, duplicated: 0 });
    expect((await reportedCounts([to])).get(to)).toBe(6);
  });

  it("kill -9 of mx1 after its 250 and before delivery: the spool survives, delivered once after restart, counted once", async () => {
    const to = `killspooled@${f.domain}`;
    const sent = markers("killspooled", 20);
    f.stack.sinkControl.respond = ({ stage }) => (stage === "data" ? { code: 451, message: "4.3.0 recipient server busy" } : undefined);
    await mtaSendAll([f.mx[0]!], sent.map((m) => msg(to, m)), 5);
    await f.stack.bridges.mx1.kill();
    const atCrash = tally("", sent, f.outboxDir, f.spoolDirs());
    expect(atCrash).toMatchObject({ delivered: 0, queued: 20, lost: 0 });

    f.stack.sinkControl.respond = undefined;
    await f.stack.restartBridge("mx1");
    const row = await settle("kill -9 mx1 after 250, before delivery", sent, f.outboxDir, f.spoolDirs());
    recordRow(2, row);
    expect(row).toMatchObject({ sent: 20, delivered: 20, lost: 0, duplicated: 0 });
    expect((await reportedCounts([to])).get(to)).toBe(20);
  });

  it("kill -9 of mx1 during delivery (session with the recipient's MX open): delivered once after restart", async () => {
    const to = `killdelivery@${f.domain}`;
    const sent = markers("killdelivery", 3);
    let release!: () => void;
    const hold = new Promise<void>((r) => { release = r; });
    let held = 0;
    f.stack.sinkControl.respond = async ({ stage }) => {
      if (stage === "rcpt") {
        held++;
        await hold; // the remote server is slow to answer RCPT: mx1 is mid-session when it dies
      }
      return undefined;
    };
    await mtaSendAll([f.mx[0]!], sent.map((m) => msg(to, m)), 3);
    await until("mx1 to be in the middle of its deliveries", () => held >= 1);
    await f.stack.bridges.mx1.kill();
    f.stack.sinkControl.respond = undefined;
    release();
    await f.stack.restartBridge("mx1");
    const row = await settle("kill -9 mx1 during delivery", sent, f.outboxDir, f.spoolDirs());
    recordRow(3, row);
    expect(row).toMatchObject({ sent: 3, delivered: 3, lost: 0, duplicated: 0 });
    expect((await reportedCounts([to])).get(to)).toBe(3);
  });

  it("SIGTERM of mx1 under load: it stops accepting, finishes what it started, exits 0; nothing lost", async () => {
    const to = `sigterm@${f.domain}`;
    const sent = markers("sigterm", 40);
    let stopped: Promise<void> | undefined;
    const sending = mtaSendAll(f.mx, sent.map((m) => msg(to, m)), 10, {
      onAccepted: (n) => { if (n === 12) stopped = f.stack.bridges.mx1.stop(); },
    });
    const results = await sending;
    await stopped;
    expect(await f.stack.bridges.mx1.exited).toBe(0);
    expect(results.filter((r) => r.acceptedBy === f.mx[1]).length).toBeGreaterThan(0);
    await f.stack.restartBridge("mx1");
    const row = await settle("SIGTERM mx1 under load (40 senders)", sent, f.outboxDir, f.spoolDirs());
    recordRow(4, row);
    expect(row).toMatchObject({ sent: 40, delivered: 40, lost: 0, duplicated: 0 });
    expect((await reportedCounts([to])).get(to)).toBe(40);
  });

  it("restart with 1,000 spooled messages (and a SIGTERM half-way through the drain): each delivered once", async () => {
    const to = `thousand@${f.domain}`;
    const sent = markers("thousand", 1000);
    const mx1 = f.stack.bridges.mx1;
    const post = workerClient({ workerUrl: f.stack.worker.url, nodeName: "mx1", secret: mx1.env.BRIDGE_SECRET! });
    const answer = ResolveResponse.parse((await post("/internal/v1/resolve", { mailFrom: "alice@sender.example", rcptTo: to, clientIp: "127.0.0.1" }, 10_000)).body);
    if (answer.action !== "forward") throw new Error(`expected forward, got ${answer.action}`);
    await mx1.stop();
    // 1,000 messages as the bridge itself spools them (its spool code, its directory), while it is down.
    const spool = createFileSpool({ dir: f.spoolDir("mx1"), log: createLogger("silent", "mx1"), initialState });
    await spool.recover();
    for (const m of sent) {
      const envelope = { mailFrom: "alice@sender.example", clientIp: "127.0.0.1", heloName: "sender.faults.test", receivedAt: new Date().toISOString(), receivedBy: "mx1" };
      await spool.put(envelope, [{ kind: "forward", rcptTo: to, plan: answer.plan }], Buffer.from(messageText(msg(to, m))));
    }
    expect(tally("", sent, f.outboxDir, f.spoolDirs())).toMatchObject({ queued: 1000, delivered: 0 });

    await f.stack.restartBridge("mx1");
    await until("300 deliveries", () => tally("", sent, f.outboxDir, []).delivered >= 300, 240_000);
    await f.stack.restartBridge("mx1"); // SIGTERM mid-drain, then recovery of what is left
    const row = await settle("restart with 1,000 spooled messages", sent, f.outboxDir, f.spoolDirs(), { timeoutMs: 360_000 });
    recordRow(9, row);
    expect(row).toMatchObject({ sent: 1000, delivered: 1000, lost: 0, duplicated: 0 });
    expect((await reportedCounts([to], 240_000)).get(to)).toBe(1000);
  }, 600_000);
});
