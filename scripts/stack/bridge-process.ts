/**
 * Runs a bridge as a child process (`tsx bridge/main.ts`), as on a VPS: its own process, its own spool,
 * configured only through its environment. Tests kill it with SIGKILL to prove nothing is lost.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { connect } from "node:net";
import { guardChild } from "./child-exit.js";
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
 * @param logFile where its stdout/stderr (pino JSON) go
 */
export async function spawnBridge(name: string, env: Record<string, string>, logFile: string): Promise<BridgeProcess> {
  mkdirSync(logFile.slice(0, logFile.lastIndexOf("/")), { recursive: true });
  const log = createWriteStream(logFile, { flags: "a" });
  const child = spawn(process.execPath, ["--import", "tsx", `${ROOT}/bridge/main.ts`], {
    cwd: ROOT, env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const exited = guardChild(child);
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
