/**
 * Runs the PlanetScale simulator (db/simulator/main.ts) as its own process, as PlanetScale is its own
 * service: the database stand-in then shares no event loop and no heap with the harness that starts it
 * (Miniflare's Node side, the development sink, a benchmark's load generator). In one process, every
 * garbage collection of that ~120 MB heap (a mark-compact every second or so under the API benchmark)
 * paused the Worker's database round trips and showed up as 40–70 ms requests.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { EXIT_WITH_PARENT, childExited } from "./child-exit.js";
import { ROOT } from "./files.js";

/** A simulator running in a child process. */
export interface SimulatorProcess {
  /** `http://user:pass@127.0.0.1:PORT`: the Worker's DATABASE_URL. */
  url: string;
  child: ChildProcess;
  /** SIGTERM (the simulator closes its pool) and wait for the exit. */
  close(): Promise<void>;
}

/** How long the simulator may take to connect to MySQL and listen before the start fails, by default. */
const START_TIMEOUT_MS = 30_000;

/**
 * Spawns `tsx db/simulator/main.ts` on a free port and waits for the URL it prints.
 * @param opts.mysqlUrl the database it serves (`mysql://…/db`)
 * @param opts.port fixed port, or 0 for a free one
 * @param opts.logFile where its stdout/stderr go
 * @param opts.startTimeoutMs how long it may take to listen (default {@link START_TIMEOUT_MS})
 * @throws when it exits before listening, or does not listen in time (it is then stopped: nothing would
 *   ever close it)
 */
export async function spawnSimulator(opts: {
  mysqlUrl: string; port: number; username: string; password: string; logFile: string; startTimeoutMs?: number;
}): Promise<SimulatorProcess> {
  const startTimeoutMs = opts.startTimeoutMs ?? START_TIMEOUT_MS;
  mkdirSync(opts.logFile.slice(0, opts.logFile.lastIndexOf("/")), { recursive: true });
  const log = createWriteStream(opts.logFile, { flags: "a" });
  // stdin: the pipe whose end tells the simulator that this process is gone (EXIT_WITH_PARENT).
  const child = spawn(process.execPath, ["--import", "tsx", ...EXIT_WITH_PARENT, `${ROOT}/db/simulator/main.ts`], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "", DATABASE_URL: opts.mysqlUrl, PS_SIMULATOR_PORT: String(opts.port),
      PS_SIMULATOR_USERNAME: opts.username, PS_SIMULATOR_PASSWORD: opts.password,
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stderr!.pipe(log, { end: false });
  const exited = childExited(child);
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the simulator did not start within ${startTimeoutMs} ms (stopped); see ${opts.logFile}`));
    }, startTimeoutMs);
    child.stdout!.on("data", (chunk: Buffer) => {
      log.write(chunk);
      out += chunk.toString();
      const match = /listening: (http:\/\/\S+)/.exec(out);
      if (match) { clearTimeout(timer); resolve(match[1]!); }
    });
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`the simulator exited with code ${code} before listening; see ${opts.logFile}`)); });
  });
  return {
    url, child,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
      log.end();
    },
  };
}
