/**
 * The stack's child processes (bridges, simulator) must not outlive the harness that started them,
 * however it ends: by `exit` (wrangler's and Miniflare's signal handlers call process.exit), by a signal
 * it has no handler for, or by SIGKILL, when no handler runs at all. So the child watches for it itself:
 * it is spawned with a pipe as stdin and {@link EXIT_WITH_PARENT}'s preload, and sends itself SIGTERM
 * when that pipe ends, which happens only when this process is gone (exit-with-parent.mjs).
 *
 * No `exit` handler here sends SIGTERM as well: the child would get it twice (once from the handler,
 * once from the preload a moment later), and the second SIGTERM, after the child's own `once` handler
 * is spent, ends it mid-way through its graceful stop.
 */
import type { ChildProcess } from "node:child_process";
import { pathToFileURL } from "node:url";
import { ROOT } from "./files.js";

/**
 * Node arguments (before the script) that load scripts/stack/exit-with-parent.mjs; spawn with
 * `stdio[0] = "pipe"` and never write to or end the child's stdin.
 */
export const EXIT_WITH_PARENT: readonly string[] = ["--import", pathToFileURL(`${ROOT}/scripts/stack/exit-with-parent.mjs`).href];

/** @returns resolves with the child's exit code (null when a signal ended it) once it has exited */
export function childExited(child: ChildProcess): Promise<number | null> {
  return new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
}
