/**
 * Entry point of a timed client process (client-process.ts): runs the job given as JSON in argv[2] and
 * prints its percentiles as JSON on stdout.
 */
import { measureApi } from "./api.js";
import type { ClientJob } from "./client-process.js";
import { measureRcptLatency } from "./resolve-latency.js";

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? "") as ClientJob;
  const result = job.kind === "api"
    ? await measureApi(job.workerUrl, job.token, job.path, job.requests)
    : await measureRcptLatency(job.port, job.samples, (i) => job.addressTemplate.replace("{i}", String(i)));
  process.stdout.write(JSON.stringify(result));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
