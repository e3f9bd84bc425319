/**
 * Work that runs after the response is sent (Workers' `waitUntil`): used where the answer must not wait
 * for it (touching a token's `last_used_at`) or must not be timed by it (a password reset request, whose
 * answer would otherwise be slower for a known address).
 */
import type { Context } from "hono";

/**
 * Lets `work` finish after the response; a failure is logged (as `label`), never thrown. Where there is
 * no execution context (Node tests of a handler) the promise just runs on.
 * @example runAfterResponse(c, touchApiToken(db, id, now), "token touch")
 */
export function runAfterResponse(c: Context, work: Promise<unknown>, label: string): void {
  const safe = work.catch((err: unknown) => console.error(JSON.stringify({
    level: "warn", msg: `${label} failed`, error: String(err instanceof Error ? err.message.split("\nparams:")[0] : err),
  })));
  try {
    c.executionCtx.waitUntil(safe);
  } catch {
    void safe;
  }
}
