/**
 * scripts/stack/simulator-process.ts: the stack's PlanetScale simulator is a child process, and it must
 * not outlive the process that started it however that one ends: a harness killed with SIGKILL (vitest
 * gives a fork that ignores SIGTERM a SIGKILL, the OOM killer, `kill -9`) or by a signal it has no
 * handler for runs no `exit` handler, so only the child itself can notice.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/stack/files.js";
import { type TestDatabase, createTestDatabase } from "../helpers/database.js";

let t: TestDatabase;
let dir: string;
const leftovers: number[] = [];
beforeAll(async () => {
  t = await createTestDatabase();
  dir = mkdtempSync(`${tmpdir()}/veilmail-sim-proc-`);
});
afterAll(async () => {
  for (const pid of leftovers) if (alive(pid)) process.kill(pid, "SIGKILL");
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts a harness that spawns the simulator, prints its pid and then dies by `signal`; returns the simulator's pid. */
async function simulatorOfDeadHarness(signal: "SIGKILL" | "SIGTERM"): Promise<number> {
  const code = `
    import { spawnSimulator } from ${JSON.stringify(`${ROOT}/scripts/stack/simulator-process.ts`)};
    const sim = await spawnSimulator({ mysqlUrl: ${JSON.stringify(t.mysqlUrl)}, port: 0, username: "u", password: "p", logFile: ${JSON.stringify(`${dir}/sim.log`)} });
    process.stdout.write("simulator " + sim.child.pid + "\\n");
    process.kill(process.pid, ${JSON.stringify(signal)});
    setInterval(() => {}, 1000);
  `;
  const harness = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  harness.stdout.on("data", (chunk: Buffer) => { out += chunk.toString(); });
  const exit = await new Promise<NodeJS.Signals | null>((resolve) => harness.once("exit", (_code, sig) => resolve(sig)));
  const pid = Number(/simulator (\d+)/.exec(out)?.[1]);
  expect(exit).toBe(signal);
  expect(pid).toBeGreaterThan(0);
  leftovers.push(pid);
  return pid;
}

async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

describe("spawnSimulator", () => {
  it.each(["SIGKILL", "SIGTERM"] as const)("stops the simulator when the harness dies by %s", async (signal) => {
    const pid = await simulatorOfDeadHarness(signal);
    expect(await goneWithin(pid, 10_000)).toBe(true);
  });
});
