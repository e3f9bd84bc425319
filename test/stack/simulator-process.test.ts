/**
 * scripts/stack/simulator-process.ts: the stack's PlanetScale simulator is a child process, and it must
 * not outlive the process that started it however that one ends: a harness killed with SIGKILL (vitest
 * gives a fork that ignores SIGTERM a SIGKILL, the OOM killer, `kill -9`) or by a signal it has no
 * handler for runs no `exit` handler, so only the child itself can notice.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { type Server, createServer } from "node:net";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/stack/files.js";
import { spawnSimulator } from "../../scripts/stack/simulator-process.js";
import { type TestDatabase, createTestDatabase } from "../helpers/database.js";
import { goneWithin, isAlive } from "../helpers/process.js";

let t: TestDatabase;
let dir: string;
const leftovers: number[] = [];
beforeAll(async () => {
  t = await createTestDatabase();
  dir = mkdtempSync(`${tmpdir()}/veilmail-sim-proc-`);
});
afterAll(async () => {
  for (const pid of leftovers) if (isAlive(pid)) process.kill(pid, "SIGKILL");
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

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

describe("spawnSimulator", () => {
  it.each(["SIGKILL", "SIGTERM"] as const)("stops the simulator when the harness dies by %s", async (signal) => {
    const pid = await simulatorOfDeadHarness(signal);
    expect(await goneWithin(pid, 10_000)).toBe(true);
  });

  it("stops a simulator that does not start in time (nothing else would ever close it)", async () => {
    // A "MySQL server" that accepts connections and never says a word: the simulator waits for its
    // handshake (mysql2's own connect timeout is 10 s) and never listens.
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    const mysqlUrl = `mysql://root@127.0.0.1:${port}/never_${port}`;
    try {
      await expect(spawnSimulator({ mysqlUrl, port: 0, username: "u", password: "p", logFile: `${dir}/slow.log`, startTimeoutMs: 1500 }))
        .rejects.toThrow(/did not start within 1500 ms/);
      // Found by its DATABASE_URL, which names the silent server's port.
      const running = () => {
        try {
          return execFileSync("pgrep", ["-f", "db/simulator/main.ts"], { encoding: "utf8" }).split("\n").filter(Boolean).map(Number)
            .filter((pid) => { try { return execFileSync("cat", [`/proc/${pid}/environ`], { encoding: "latin1" }).includes(`never_${port}`); } catch { return false; } });
        } catch {
          return [];
        }
      };
      const deadline = Date.now() + 3000;
      while (running().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(running()).toEqual([]);
    } finally {
      silent.close();
    }
  });
});
