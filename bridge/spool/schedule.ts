/**
 * The retry schedule, as data (Postfix's `minimal_backoff_time`/`maximal_backoff_time`, Haraka's
 * schedule in the queue file name): after the n-th failed attempt the next one waits `delays[n-1]`;
 * past the end of the list the last delay repeats. A temporary failure of a message older than
 * `maxAgeMs` is final.
 */

export interface RetrySchedule {
  /** Milliseconds to wait after the 1st, 2nd, ... failed attempt; the last entry repeats. */
  delays: readonly number[];
  /** Age (since our 250) after which a temporary failure becomes permanent; milliseconds. */
  maxAgeMs: number;
  /** After a failed report (Worker unreachable), wait this long before reporting that entry again; ms. */
  reportRetryMs: number;
}

/** 1, 5, 15, 30 minutes, then hourly, for up to 5 days (DESIGN §3 deliver). */
export const DEFAULT_SCHEDULE: RetrySchedule = {
  delays: [60_000, 300_000, 900_000, 1_800_000, 3_600_000],
  maxAgeMs: 5 * 86_400_000,
  reportRetryMs: 30_000,
};

/**
 * When to try again after `attempts` failed attempts (attempts ≥ 1).
 * @example nextAttemptAt(DEFAULT_SCHEDULE, 1, now) // now + 1 min
 */
export function nextAttemptAt(schedule: RetrySchedule, attempts: number, now: Date): Date {
  const { delays } = schedule;
  const delay = delays[Math.min(Math.max(attempts, 1), delays.length) - 1] ?? 3_600_000;
  return new Date(now.getTime() + delay);
}

/**
 * Whether a message received at `receivedAt` has been queued too long to keep trying.
 * @param receivedAt ISO 8601 time of our 250
 */
export function isExpired(schedule: RetrySchedule, receivedAt: string, now: Date): boolean {
  return now.getTime() - Date.parse(receivedAt) >= schedule.maxAgeMs;
}
