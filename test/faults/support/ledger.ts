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

/** File path → its marker (or null). Outbox files (once complete) and spool messages never change. */
const markerOf = new Map<string, string | null>();

/**
 * Marker → how many times it appears among the `.eml` files of `dir` (the sink's outbox, a spool's
 * messages/). Each file is read once: polling a directory of a thousand messages costs a readdir.
 */
export function markerCounts(dir: string): Map<string, number> {
  const counts = new Map<string, number>();
  if (!existsSync(dir)) return counts;
  const names = readdirSync(dir);
  // Only finished files are read (and their marker cached): the sink's, once its .json is written; a
  // spool's, once the entry is committed (state/<id>.json), since messages are written in place.
  const stateDir = path.basename(dir) === "messages" ? path.join(path.dirname(dir), "state") : null;
  const listed = dir.endsWith("outbox") ? names : stateDir ? (existsSync(stateDir) ? readdirSync(stateDir) : []) : null;
  const complete = listed ? new Set(listed.filter((n) => n.endsWith(".json")).map((n) => n.slice(0, -5))) : null;
  for (const name of names) {
    if (!name.endsWith(".eml")) continue;
    if (complete && !complete.has(name.slice(0, -4))) continue; // still being written
    const file = path.join(dir, name);
    let marker = markerOf.get(file);
    if (marker === undefined) {
      let text: string;
      try {
        text = readFileSync(file, "latin1").slice(0, 64 * 1024);
      } catch {
        continue; // removed while we read (a spool entry just delivered)
      }
      marker = SUBJECT.exec(text)?.[1] ?? null;
      markerOf.set(file, marker);
    }
    if (marker) counts.set(marker, (counts.get(marker) ?? 0) + 1);
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
    await new Promise((r) => setTimeout(r, sent.length > 100 ? 1000 : 200));
  }
}

/** Adds the row to the suite's table (printed by ./report.ts when the run ends). */
export function recordRow(order: number, row: FaultRow): void {
  writeFileSync(path.join(inject("faultsDir"), `${String(order).padStart(2, "0")}-${randomBytes(3).toString("hex")}.json`), JSON.stringify(row));
}
