/**
 * The stack's child processes (bridges, simulator) must not outlive a harness that exits without
 * stopping them (wrangler's own signal handlers call process.exit): on this process's `exit` each still
 * running child gets SIGTERM (a bridge then shuts down gracefully and keeps its spool). A harness killed
 * by SIGKILL runs no handler at all; the simulator also watches its stdin for that (simulator-process.ts).
 */
import type { ChildProcess } from "node:child_process";

/**
 * Registers the SIGTERM-on-exit guard for `child` and removes it once the child has exited.
 * @returns resolves with the child's exit code (null when a signal ended it)
 */
export function guardChild(child: ChildProcess): Promise<number | null> {
  const orphanGuard = () => { if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM"); };
  process.on("exit", orphanGuard);
  return new Promise<number | null>((resolve) => child.once("exit", (code) => {
    process.off("exit", orphanGuard);
    resolve(code);
  }));
}
