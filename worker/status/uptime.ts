/**
 * The 90-day uptime bars, as pure functions over `status_daily` rows (counts of checks per state per
 * UTC day, one check a minute by the cron trigger).
 *
 * A day's uptime is (up + maintenance) / checks recorded that day. For the database, minutes without
 * any recorded check since monitoring began also count as down: when the database is unreachable the
 * cron cannot record anything, so a silent minute is evidence of an outage, not an absence of data.
 */

/** One stored day of one component. */
export interface DailyRow {
  component: string;
  day: string;
  up: number;
  degraded: number;
  down: number;
  maintenance: number;
  firstCheckAt: Date;
}

/** One bar segment; `uptime` is null when nothing was monitored that day. */
export interface DayBar {
  day: string;
  uptime: number | null;
  up: number;
  degraded: number;
  down: number;
  maintenance: number;
  /** Minutes that should have had a check (database only; otherwise equal to the recorded checks). */
  expected: number;
}

export const HISTORY_DAYS = 90;
const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` (UTC) of `date`. */
export const dayOf = (date: Date) => date.toISOString().slice(0, 10);

/**
 * The last `days` days (oldest first, today last) for one component.
 * @param rows that component's rows (any order, any age)
 * @param countSilence true for the database: unrecorded minutes since its first check count as down
 */
export function dayBars(rows: DailyRow[], now: Date, countSilence: boolean, days = HISTORY_DAYS): DayBar[] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const firstEver = rows.reduce<number>((min, r) => Math.min(min, r.firstCheckAt.getTime()), Infinity);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const bars: DayBar[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const start = today - i * DAY_MS;
    const day = dayOf(new Date(start));
    const r = byDay.get(day);
    const recorded = r ? r.up + r.degraded + r.down + r.maintenance : 0;
    let expected = recorded;
    if (countSilence && firstEver < start + DAY_MS) {
      const from = Math.max(start, r ? r.firstCheckAt.getTime() : start, firstEver);
      // One check a minute: a whole past day has 1440 slots; today's run up to and including now.
      const minutes = now.getTime() < start + DAY_MS ? Math.floor((now.getTime() - from) / 60_000) + 1 : Math.ceil((start + DAY_MS - from) / 60_000);
      expected = Math.max(recorded, minutes);
    }
    const counts = { up: r?.up ?? 0, degraded: r?.degraded ?? 0, down: r?.down ?? 0, maintenance: r?.maintenance ?? 0 };
    bars.push({ day, ...counts, expected, uptime: expected > 0 ? (counts.up + counts.maintenance) / expected : null });
  }
  return bars;
}

/** Uptime over all bars with data, or null when none has any. */
export function totalUptime(bars: DayBar[]): number | null {
  let good = 0;
  let all = 0;
  for (const b of bars) {
    good += b.up + b.maintenance;
    all += b.expected;
  }
  return all > 0 ? good / all : null;
}

/** A percentage for people: `99.98%`, never rounded up to 100 unless it is 100. */
export function formatUptime(ratio: number | null): string {
  if (ratio === null) return "no data";
  if (ratio >= 1) return "100%";
  return `${(Math.floor(ratio * 10_000) / 100).toFixed(2)}%`;
}
