/**
 * The recipient's mail server misbehaving, behind the real dev stack: it answers 421/451 for a while
 * (scaled down from ten minutes to a few seconds, with the retry schedule scaled the same way) and the
 * bridges retry until it takes the mail, once; it answers 550 and each message is given up at once, with
 * one failed-delivery record and no retry.
 */
import path from "node:path";
import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FaultStack, startFaultStack } from "./support/fault-stack.js";
import { markers, recordRow, settle } from "./support/ledger.js";
import { type MtaMessage, mtaSendAll } from "./support/mta.js";

let f: FaultStack;
beforeAll(async () => { f = await startFaultStack(); }, 240_000);
afterAll(async () => { await f?.stop(); });

const msg = (to: string, marker: string): MtaMessage => ({ from: "alice@sender.example", to, marker });
const files = (dir: string) => { try { return readdirSync(dir); } catch { return []; } };
const until = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe("the recipient's MX", () => {
  it("answering 421 and 451 for a while (scaled): retried, then each message delivered once", async () => {
    const to = `busy@${f.domain}`;
    const sent = markers("busy", 10);
    const outageMs = 4000;
    let refusals = 0;
    let openAt = Infinity;
    f.stack.sinkControl.respond = ({ stage }) => {
      if (Date.now() >= openAt) return undefined;
      refusals++;
      // Alternate a closing 421 at RCPT and a 451 after DATA, as overloaded and greylisting servers do.
      if (stage === "rcpt" && refusals % 2 === 0) return { code: 421, message: "4.3.2 Service not available, closing channel" };
      if (stage === "data") return { code: 451, message: "4.7.1 Greylisted, try again later" };
      return undefined;
    };
    openAt = Date.now() + outageMs;
    await mtaSendAll(f.mx, sent.map((m) => msg(to, m)), 5);
    const row = await settle("recipient MX 421/451 for a while (scaled 10 min → 4 s)", sent, f.outboxDir, f.spoolDirs());
    f.stack.sinkControl.respond = undefined;
    recordRow(7, row);
    expect(refusals).toBeGreaterThan(sent.length); // every message was refused at least once, some several times
    expect(row).toMatchObject({ sent: 10, delivered: 10, lost: 0, duplicated: 0 });
    await until("the spools to empty", () => f.spoolDirs().every((d) => files(path.join(d, "state")).length === 0));
    expect((await f.forwardedCounts([to])).get(to)).toBe(10);
  });

  it("answering 550: one failed-delivery record per message, no retry, nothing left queued", async () => {
    const to = `refused@${f.domain}`;
    const sent = markers("refused", 5);
    // Refused after DATA, where the sink sees which message it is (other mail, such as the Worker's own
    // notifications to the same mailbox, passes).
    const attempts = new Map<string, number>();
    f.stack.sinkControl.respond = ({ stage, message }) => {
      const marker = stage === "data" ? sent.find((m) => message?.includes(`Subject: ${m}\r\n`)) : undefined;
      if (!marker) return undefined;
      attempts.set(marker, (attempts.get(marker) ?? 0) + 1);
      return { code: 550, message: "5.1.1 No such user here" };
    };
    await mtaSendAll(f.mx, sent.map((m) => msg(to, m)), 5);
    await until("every message to be given up and reported", async () => await f.failedRecords([to]) >= sent.length);
    await until("the spools to empty", () => f.spoolDirs().every((d) => files(path.join(d, "state")).length === 0));
    await new Promise((r) => setTimeout(r, 1500)); // five retry periods: a retry would show here
    f.stack.sinkControl.respond = undefined;
    expect(sent.map((m) => attempts.get(m))).toEqual(sent.map(() => 1));
    expect(await f.failedRecords([to])).toBe(sent.length);
    const row = await settle("recipient MX answers 550", sent, f.outboxDir, f.spoolDirs(), { failed: sent, timeoutMs: 1000 });
    recordRow(8, row);
    expect(row).toMatchObject({ sent: 5, delivered: 0, queued: 0, failed: 5, lost: 0, duplicated: 0 });
  });
});
