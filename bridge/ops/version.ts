/** The bridge's version, from package.json (reported in heartbeats and on the status page). */
import { readFileSync } from "node:fs";

let cached: string | undefined;

/** e.g. `0.1.0`; `unknown` when package.json cannot be read. */
export function bridgeVersion(): string {
  if (cached === undefined) {
    try {
      cached = String((JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string }).version ?? "unknown");
    } catch {
      cached = "unknown";
    }
  }
  return cached;
}
