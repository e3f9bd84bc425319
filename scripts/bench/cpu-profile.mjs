/**
 * Preload for profiling a bridge under the benchmark's load (`--cpu-prof` is not allowed in
 * NODE_OPTIONS): `BENCH_BRIDGE_NODE_OPTIONS="--import ./scripts/bench/cpu-profile.mjs"` with
 * CPU_PROFILE_DIR set. Starts V8's sampling profiler at load and writes `<dir>/<pid>.cpuprofile` (open in
 * Chrome DevTools or speedscope) when the process exits.
 */
import { Session } from "node:inspector";
import { mkdirSync, writeFileSync } from "node:fs";

const dir = process.env.CPU_PROFILE_DIR ?? "/tmp/veilmail-profiles";
const session = new Session();
session.connect();
session.post("Profiler.enable");
session.post("Profiler.setSamplingInterval", { interval: 200 });
session.post("Profiler.start");
process.on("exit", () => {
  // A session on the main thread answers synchronously, so the profile is written before exit.
  session.post("Profiler.stop", (err, result) => {
    if (err) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/${process.pid}.cpuprofile`, JSON.stringify(result.profile));
  });
});
