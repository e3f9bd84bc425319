/**
 * Disk full while spooling, on the real dev stack: mx1's spool sits on a small tmpfs (or, where mounting
 * is not allowed, behind an injected ENOSPC; the second scenario always uses the injection so both paths
 * stay tested). When a message no longer fits, mx1 answers `452 4.3.1` after DATA and keeps nothing of
 * it: no half-written file in any spool directory, every committed entry intact. The sender takes the
 * refused message to mx2; once space is back, everything is delivered once.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FullDisk, fullDisk } from "./support/disk.js";
import { type FaultStack, startFaultStack } from "./support/fault-stack.js";
import { markers, recordRow, settle } from "./support/ledger.js";
import { messageText, type MtaMessage, mtaSend, transaction } from "./support/mta.js";
import { waitFor } from "../bridge/support.js";

let f: FaultStack;
let normalSpool: string;
const bases: string[] = [];
beforeAll(async () => {
  f = await startFaultStack();
  normalSpool = f.spoolDir("mx1");
}, 240_000);
afterAll(async () => {
  await f?.stop();
  for (const b of bases) rmSync(b, { recursive: true, force: true });
});

const files = (dir: string) => { try { return readdirSync(dir).sort(); } catch { return []; } };
const ids = (dir: string, ext: string) => files(dir).filter((n) => n.endsWith(ext)).map((n) => n.slice(0, -ext.length));

async function diskFullScenario(order: number, force?: "injected"): Promise<void> {
  const base = mkdtempSync(path.join(tmpdir(), "veilmail-faults-disk-"));
  bases.push(base);
  const disk: FullDisk = await fullDisk(base, 768, force);
  const to = `disk${order}@${f.domain}`;
  const big = (marker: string): MtaMessage => ({ from: "alice@sender.example", to, marker, padding: 200_000 });
  const sent = markers(`disk${order}`, 8);
  const accepted: string[] = [];
  let refused: string | undefined;
  try {
    f.stack.sinkControl.respond = ({ stage }) => (stage === "data" ? { code: 451, message: "4.3.0 later" } : undefined); // nothing drains
    await f.stack.restartBridge("mx1", { SPOOL_DIR: disk.spoolDir, ...disk.env });
    for (const m of sent) {
      if (disk.kind === "injected ENOSPC" && accepted.length === 2) disk.fill();
      const r = await transaction(f.mx[0]!, big(m));
      if (r.code === 250) { accepted.push(m); continue; }
      expect(r.stage).toBe("data");
      expect(r.text).toMatch(/^452 4\.3\.1 /);
      refused = m;
      break;
    }
    expect(accepted.length).toBeGreaterThan(0);
    expect(refused, `${disk.kind}: the spool never filled up`).toBeDefined();

    // Nothing half-written: tmp/ is empty, every message has its state and is byte-for-byte what was sent.
    // (The queue keeps trying to record its deferred deliveries, and each try's state file lives in tmp/
    // for the moment it takes to fail and be removed: tmp/ must be found empty, not at one instant.)
    const spool = disk.spoolDir;
    await waitFor("tmp/ to be empty", () => files(path.join(spool, "tmp")).length === 0, 10_000);
    expect(ids(path.join(spool, "messages"), ".eml")).toEqual(ids(path.join(spool, "state"), ".json"));
    const stored = files(path.join(spool, "messages")).map((n) => readFileSync(path.join(spool, "messages", n), "latin1"));
    expect(stored.sort()).toEqual(accepted.map((m) => messageText(big(m))).sort());

    // The sender still has the refused message (it got a 4xx): it tries the backup MX.
    const retry = await mtaSend(f.mx, big(refused!));
    expect(retry.acceptedBy).toBe(f.mx[1]);
    expect(retry.setbacks[0]).toMatch(/^452 4\.3\.1/);

    disk.free();
    f.stack.sinkControl.respond = undefined;
    const remaining = sent.slice(accepted.length + 1);
    await settle("", accepted, f.outboxDir, [spool]); // mx1 drains and frees its space
    for (const m of remaining) expect((await mtaSend([f.mx[0]!], big(m), { deadlineMs: 30_000 })).acceptedBy).toBe(f.mx[0]);
    const row = await settle(`disk full while spooling (${disk.kind})`, sent, f.outboxDir, [spool, ...f.spoolDirs()]);
    recordRow(order, row);
    expect(row).toMatchObject({ sent: sent.length, delivered: sent.length, lost: 0, duplicated: 0 });
  } finally {
    f.stack.sinkControl.respond = undefined;
    await f.stack.restartBridge("mx1", { SPOOL_DIR: normalSpool, NODE_OPTIONS: "" });
    await disk.dispose();
  }
}

describe("disk full while spooling", () => {
  it("a small tmpfs spool (injected ENOSPC where mounting is not allowed): 452 4.3.1, nothing half-written, nothing lost", async () => {
    await diskFullScenario(13);
  });

  it("an injected ENOSPC in the middle of a write: the same guarantees", async () => {
    await diskFullScenario(14, "injected");
  });
});
