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

/**
 * Polls every 100 ms until the process is gone.
 * @returns true when it was gone within `ms` milliseconds, false when it was still there after them
 */
export async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}
