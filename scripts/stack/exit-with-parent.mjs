/**
 * Preload (`node --import <this file> …`) for the stack's child processes (scripts/stack/child-exit.ts):
 * when stdin ends, the process sends itself SIGTERM, once, and so stops as on any SIGTERM (a bridge stops
 * accepting, finishes what is in flight and keeps its spool; before it has a SIGTERM handler, it just
 * exits).
 *
 * The parent spawns the child with a pipe as stdin and never writes to it or closes it: the pipe ends
 * only when the parent process is gone, however it ended (`exit`, an unhandled signal, SIGKILL, the OOM
 * killer), which no handler in the parent could promise. Nothing here belongs to the program itself, so
 * production (bridge/deploy/veilmail-bridge.service runs `bridge/main.ts` without it) is unchanged.
 *
 * stdin is unref'd: it never keeps the process alive by itself. Node also loads preloads in every
 * worker thread (the bridge signs DKIM in one), whose `process.stdin` is not the pipe but a stream that
 * ends at once: only the main thread watches.
 */
import { isMainThread } from "node:worker_threads";

if (isMainThread) {
  let sent = false;
  const parentGone = () => {
    if (sent) return;
    sent = true;
    process.kill(process.pid, "SIGTERM");
  };
  process.stdin.once("end", parentGone);
  process.stdin.once("error", parentGone);
  process.stdin.resume();
  process.stdin.unref?.();
}
