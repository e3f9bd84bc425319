/**
 * The benchmark's table (stdout) and results file (`.data/bench/results.json`).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { DATA_DIR } from "../stack/files.js";

export interface Row {
  section: string;
  metric: string;
  value: string;
  target: string;
  /** true met, false missed, null no target or not measured. */
  met: boolean | null;
}

/** Prints rows as an aligned table and writes them, with the machine's description, as JSON. */
export function report(rows: Row[], raw: Record<string, unknown>): string {
  const machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? "unknown", node: process.version, at: new Date().toISOString() };
  const widths = ["section", "metric", "value", "target"].map((k) => Math.max(k.length, ...rows.map((r) => String(r[k as keyof Row]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
  const out = [
    `Veilmail benchmark — ${machine.cores} cores (${machine.cpu}), Node ${machine.node}`,
    line(["section", "metric", "value", "target"]) + "  ok",
    ...rows.map((r) => line([r.section, r.metric, r.value, r.target]) + `  ${r.met === null ? "-" : r.met ? "yes" : "NO"}`),
  ].join("\n");
  mkdirSync(`${DATA_DIR}/bench`, { recursive: true });
  writeFileSync(`${DATA_DIR}/bench/results.json`, JSON.stringify({ machine, rows, raw }, null, 2));
  return out;
}
