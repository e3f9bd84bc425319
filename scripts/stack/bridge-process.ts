/**
 * Runs a bridge as a child process (`tsx bridge/main.ts`), as on a VPS: its own process, its own spool,
 * configured only through its environment. Tests kill it with SIGKILL to prove nothing is lost. It stops
 * (SIGTERM, gracefully) when the process that spawned it is gone, however that ended (child-exit.ts).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { connect } from "node:net";
import { EXIT_WITH_PARENT, childExited } from "./child-exit.js";
import { ROOT } from "./files.js";

export interface BridgeProcess {
  name: string;
  port: number;
  env: Record<string, string>;
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  /** SIGTERM (graceful) and wait. */
  stop(): Promise<void>;
  /** SIGKILL and wait: a crash. */
  kill(): Promise<void>;
}

/** Resolves once something on `port` answers with an SMTP 220 greeting. */
export async function waitForSmtp(port: number, host = "127.0.0.1", timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, host);
      socket.setTimeout(2000);
      socket.once("data", (d) => { socket.end("QUIT\r\n"); resolve(d.toString().startsWith("220")); });
      socket.once("error", () => resolve(false));
      socket.once("timeout", () => { socket.destroy(); resolve(false); });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing answered SMTP on ${host}:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * Spawns a bridge and waits until it greets.
 * @param env the bridge's whole configuration (see bridge/config.ts); SMTP_PORT must be a fixed port
 * @param logFile its stdout and stderr (pino JSON), appended to by the bridge itself, so that what it
 *   writes after this process is gone (its stop) is kept too
 * @throws when it exits before listening, or nothing greets on SMTP_PORT within 30 s
 */
export async function spawnBridge(name: string, env: Record<string, string>, logFile: string): Promise<BridgeProcess> {
  mkdirSync(logFile.slice(0, logFile.lastIndexOf("/")), { recursive: true });
  const log = openSync(logFile, "a");
  let child: ChildProcess;
  try {
    // stdin: the pipe whose end tells the bridge that this process is gone (EXIT_WITH_PARENT).
    child = spawn(process.execPath, ["--import", "tsx", ...EXIT_WITH_PARENT, `${ROOT}/bridge/main.ts`], {
      cwd: ROOT, env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["pipe", log, log],
    });
  } finally {
    closeSync(log); // the child has its own copy
  }
  const exited = childExited(child);
  const port = Number(env.SMTP_PORT);
  await Promise.race([
    waitForSmtp(port),
    exited.then((code) => { throw new Error(`bridge ${name} exited with code ${code} before listening; see ${logFile}`); }),
  ]);
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return { name, port, env, child, exited, stop: () => signal("SIGTERM"), kill: () => signal("SIGKILL") };
}
