/**
 * Process checks for tests of the stack's child processes.
 */

/** True when a process with this pid exists (signal 0: nothing is sent, only the lookup is made). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
