/**
 * The fault project's global setup: gives the test files a directory for their table rows
 * (`inject("faultsDir")`), and when the run ends prints the table (scenario, sent, delivered, queued,
 * failed, lost, duplicated) and keeps a copy in `.data/faults/table.md`.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { ROOT } from "../../../scripts/stack/files.js";
import type { FaultRow } from "./ledger.js";

declare module "vitest" {
  export interface ProvidedContext {
    faultsDir: string;
  }
}

const COLUMNS: (keyof FaultRow)[] = ["scenario", "sent", "delivered", "queued", "failed", "lost", "duplicated"];

/** A Markdown table of `rows`. */
export function formatTable(rows: FaultRow[]): string {
  const head = `| ${COLUMNS.join(" | ")} |`;
  const rule = `|${COLUMNS.map((c) => (c === "scenario" ? "---" : "---:")).join("|")}|`;
  return [head, rule, ...rows.map((r) => `| ${COLUMNS.map((c) => String(r[c])).join(" | ")} |`)].join("\n");
}

export default function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), "veilmail-faults-rows-"));
  project.provide("faultsDir", dir);
  return () => {
    const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
    const rows = files.map((f) => JSON.parse(readFileSync(path.join(dir, f), "utf8")) as FaultRow);
    rmSync(dir, { recursive: true, force: true });
    if (rows.length === 0) return;
    const table = formatTable(rows);
    const bad = rows.filter((r) => r.lost > 0 || r.duplicated > 0).length;
    process.stdout.write(`\nFault-injection suite (${rows.length} scenarios, ${bad} with lost or duplicated mail):\n\n${table}\n\n`);
    mkdirSync(path.join(ROOT, ".data", "faults"), { recursive: true });
    writeFileSync(path.join(ROOT, ".data", "faults", "table.md"), `${table}\n`);
  };
}
