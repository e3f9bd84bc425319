/**
 * The fault suite's bookkeeping: every message carries a unique marker (its Subject); after a scenario
 * the ledger finds each marker in the development sink's outbox (delivered, and how often) and in the
 * bridges' spools (still safely queued), and writes one row of the suite's table. A message is lost when
 * it is neither delivered, nor queued, nor a recorded failed delivery; duplicated when delivered twice.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { inject } from "vitest";

export interface FaultRow {
  scenario: string;
  sent: number;
  delivered: number;
  queued: number;
  /** Permanent failures with a failed-delivery record (the 550 scenario); never counted as lost. */
  failed: number;
  lost: number;
  duplicated: number;
}

/** `count` markers `f-<run>-<tag>-0001`…: fixed width, so no marker is a prefix of another. */
export function markers(tag: string, count: number): string[] {
  const run = randomBytes(4).toString("hex");
  return Array.from({ length: count }, (_, i) => `f-${run}-${tag}-${String(i + 1).padStart(4, "0")}`);
}

const SUBJECT = /^Subject: (f-[0-9a-f]{8}-[a-z0-9]+-\d{4})\r?$/m;

/** Marker → how many times it appears among the `.eml` files of `dir` (the sink's outbox, a spool's messages/). */
export function markerCounts(dir: string): Map<string, number> {
  const counts = new Map<string, number>();
  if (!existsSync(dir)) return counts;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith(".eml")) continue;
    if (dir.endsWith("outbox") && !existsSync(path.join(dir, `${name.slice(0, -4)}.json`))) continue; // not complete yet
    let text: string;
    try {
      text = readFileSync(path.join(dir, name), "latin1").slice(0, 64 * 1024);
    } catch {
      continue; // removed while we read (a spool entry just delivered)
    }
    const m = SUBJECT.exec(text);
    if (m) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  }
  return counts;
}

/**
 * Tallies `sent` markers against the outbox and the spools (their `messages/` directories).
 * @param failed markers known to have failed permanently with a failed-delivery record
 */
export function tally(scenario: string, sent: string[], outboxDir: string, spoolDirs: string[], failed: string[] = []): FaultRow {
  const delivered = markerCounts(outboxDir);
  const queued = new Map<string, number>();
  for (const dir of spoolDirs) for (const [m, n] of markerCounts(path.join(dir, "messages"))) queued.set(m, (queued.get(m) ?? 0) + n);
  const failedSet = new Set(failed);
  const row: FaultRow = { scenario, sent: sent.length, delivered: 0, queued: 0, failed: 0, lost: 0, duplicated: 0 };
  for (const m of sent) {
    const d = delivered.get(m) ?? 0;
    if (d > 0) row.delivered++;
    if (d > 1) row.duplicated++;
    const q = (queued.get(m) ?? 0) > 0 && d === 0;
    if (q) row.queued++;
    if (d === 0 && !q && failedSet.has(m)) row.failed++;
    else if (d === 0 && !q) row.lost++;
  }
  return row;
}

/** Polls until every sent marker is delivered (or failed), then returns the row; the row as it stands at the deadline otherwise. */
export async function settle(scenario: string, sent: string[], outboxDir: string, spoolDirs: string[], opts: { failed?: string[]; timeoutMs?: number } = {}): Promise<FaultRow> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    const row = tally(scenario, sent, outboxDir, spoolDirs, opts.failed);
    if (row.delivered + row.failed === row.sent || Date.now() > deadline) return row;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Adds the row to the suite's table (printed by ./report.ts when the run ends). */
export function recordRow(order: number, row: FaultRow): void {
  writeFileSync(path.join(inject("faultsDir"), `${String(order).padStart(2, "0")}-${randomBytes(3).toString("hex")}.json`), JSON.stringify(row));
}
