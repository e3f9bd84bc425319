/**
 * Runs a timed client (the API or RCPT latency loop) in a process of its own.
 *
 * The benchmark's own process also holds the local stack's harness: Miniflare's Node side and wrangler,
 * the development sink, the counting sink. Its heap is ~120 MB, and under a request loop it collects
 * garbage (a mark-compact) about once a second; a client timing requests in that process counted those
 * pauses (40–70 ms, seen with `--trace-gc`) as request latency. A sending MTA or an API client is its
 * own process; so is this one.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { ROOT } from "../stack/files.js";
import type { Percentiles } from "./tools.js";

const run = promisify(execFile);

/** One timed run (see client-main.ts). `{i}` in `addressTemplate` is replaced by the sample's number. */
export type ClientJob =
  | { kind: "api"; workerUrl: string; token: string; path: string; requests: number }
  | { kind: "rcpt"; port: number; samples: number; addressTemplate: string };

/**
 * Runs `job` in a child process (`tsx scripts/bench/client-main.ts`) and returns its percentiles (ms).
 * @throws the child's error output when it fails (a refused RCPT, a non-200 answer)
 */
export async function runClient(job: ClientJob): Promise<Percentiles> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", `${ROOT}/scripts/bench/client-main.ts`, JSON.stringify(job)], {
    cwd: ROOT, maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout) as Percentiles;
}
