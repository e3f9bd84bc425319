/**
 * scripts/stack/bridge-process.ts: the stack's bridges are child processes holding fixed SMTP ports, and
 * they must not outlive the harness that started them however it ends: a harness killed with SIGKILL or
 * by a signal it has no handler for runs no `exit` handler, and an orphaned bridge keeps its port (the
 * next `npm run dev` or test run then fails, or talks to the stale bridge). While the harness lives,
 * the bridge runs and a test can still kill it.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnBridge, waitForSmtp } from "../../scripts/stack/bridge-process.js";
import { ROOT } from "../../scripts/stack/files.js";
import { freePort } from "../../scripts/stack/stack.js";
import { goneWithin, isAlive } from "../helpers/process.js";

let dir: string;
const leftovers: number[] = [];
beforeAll(() => {
  dir = mkdtempSync(`${tmpdir()}/veilmail-bridge-proc-`);
});
afterAll(() => {
  for (const pid of leftovers) if (isAlive(pid)) process.kill(pid, "SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A bridge's whole configuration: its own spool, a Worker nobody answers for (it needs none to listen).
 * SIGN_THREADS stays at its default (1), as in the stack: a worker thread loads the preload too.
 */
async function bridgeEnv(name: string): Promise<Record<string, string>> {
  return {
    NODE_NAME: name, BRIDGE_SECRET: "bridge-process-test-secret", SMTP_HOST: "127.0.0.1", SMTP_PORT: String(await freePort()),
    WORKER_URL: "http://127.0.0.1:9", SPOOL_DIR: `${dir}/spool-${name}`, LOG_LEVEL: "info",
  };
}

type Ending = "SIGKILL" | "SIGTERM" | "exit";

/**
 * Starts a harness that spawns a bridge, prints its pid and then ends by `ending` (a signal it has no
 * handler for, or `process.exit`); returns the bridge's pid and its log file.
 */
async function bridgeOfDeadHarness(ending: Ending): Promise<{ pid: number; logFile: string }> {
  const name = `harness-${ending.toLowerCase()}`;
  const logFile = `${dir}/${name}.log`;
  const end = ending === "exit" ? "process.exit(0);" : `process.kill(process.pid, ${JSON.stringify(ending)});`;
  const code = `
    import { spawnBridge } from ${JSON.stringify(`${ROOT}/scripts/stack/bridge-process.ts`)};
    const bridge = await spawnBridge(${JSON.stringify(name)}, ${JSON.stringify(await bridgeEnv(name))}, ${JSON.stringify(logFile)});
    process.stdout.write("bridge " + bridge.child.pid + "\\n");
    ${end}
    setInterval(() => {}, 1000);
  `;
  const harness = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  harness.stdout.on("data", (chunk: Buffer) => { out += chunk.toString(); });
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => harness.once("exit", (c, s) => resolve([c, s])));
  const pid = Number(/bridge (\d+)/.exec(out)?.[1]);
  expect(pid).toBeGreaterThan(0);
  leftovers.push(pid);
  if (ending === "exit") expect(exitCode).toBe(0);
  else expect(signal).toBe(ending);
  return { pid, logFile };
}

describe("spawnBridge", () => {
  it.each(["SIGKILL", "SIGTERM", "exit"] as const)("stops the bridge gracefully when the harness ends by %s", async (ending) => {
    const { pid, logFile } = await bridgeOfDeadHarness(ending);
    expect(await goneWithin(pid, 10_000)).toBe(true);
    // Gracefully: one SIGTERM, so it closed its listener and logged its stop (a second SIGTERM would
    // have found no handler and ended it mid-stop).
    expect(readFileSync(logFile, "utf8")).toContain('"bridge:stopped"');
  }, 40_000);

  it("keeps the bridge running while the harness lives, and a test can still kill it", async () => {
    const bridge = await spawnBridge("alive", await bridgeEnv("alive"), `${dir}/alive.log`);
    leftovers.push(bridge.child.pid!);
    await new Promise((r) => setTimeout(r, 2000));
    expect(bridge.child.exitCode).toBeNull();
    await waitForSmtp(bridge.port, "127.0.0.1", 2000);
    await bridge.kill();
    expect(bridge.child.signalCode).toBe("SIGKILL");
  }, 40_000);
});
