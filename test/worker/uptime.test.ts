/**
 * The 90-day bar arithmetic (worker/status/uptime.ts), as pure functions: recorded checks by state per
 * day, partial first days, and the database's silent minutes counted as down.
 */
import { describe, expect, it } from "vitest";
import { dayBars, type DailyRow, formatUptime, totalUptime } from "../../worker/status/uptime.js";

const row = (day: string, counts: Partial<DailyRow>, firstCheckAt = `${day}T00:00:00Z`): DailyRow => ({
  component: "c", day, up: 0, degraded: 0, down: 0, maintenance: 0, firstCheckAt: new Date(firstCheckAt), ...counts,
});

describe("dayBars", () => {
  const now = new Date("2026-11-30T12:00:00Z");

  it("gives 90 days ending today, with no data before monitoring began", () => {
    const bars = dayBars([row("2026-11-30", { up: 600 }, "2026-11-30T02:00:00Z")], now, false);
    expect(bars).toHaveLength(90);
    expect(bars[0]!.day).toBe("2026-09-02");
    expect(bars[89]).toMatchObject({ day: "2026-11-30", up: 600, expected: 600, uptime: 1 });
    expect(bars.slice(0, 89).every((b) => b.uptime === null)).toBe(true);
  });

  it("counts up and maintenance as available, degraded and down as not", () => {
    const [bar] = dayBars([row("2026-11-29", { up: 1400, maintenance: 20, degraded: 10, down: 10 })], now, false, 2);
    expect(bar!.uptime).toBeCloseTo(1420 / 1440, 6);
  });

  it("for the database, counts silent minutes since the first check as down", () => {
    // Monitoring began yesterday at 00:00; yesterday recorded 1380 of 1440 minutes; today nothing yet.
    const bars = dayBars([row("2026-11-29", { up: 1380 })], now, true, 3);
    expect(bars[0]).toMatchObject({ day: "2026-11-28", uptime: null });
    expect(bars[1]).toMatchObject({ day: "2026-11-29", expected: 1440 });
    expect(bars[1]!.uptime).toBeCloseTo(1380 / 1440, 6);
    // Today: 12 hours and one minute should have been checked, none were.
    expect(bars[2]).toMatchObject({ day: "2026-11-30", expected: 721, uptime: 0 });
    expect(totalUptime(bars)).toBeCloseTo(1380 / (1440 + 721), 6);
  });

  it("never counts more expected minutes than checks when checks run more often than once a minute", () => {
    const bars = dayBars([row("2026-11-30", { up: 900 }, "2026-11-30T11:50:00Z")], now, true, 1);
    expect(bars[0]).toMatchObject({ expected: 900, uptime: 1 });
  });
});

describe("formatUptime", () => {
  it("never rounds up to 100%", () => {
    expect(formatUptime(0.99999)).toBe("99.99%");
    expect(formatUptime(1)).toBe("100%");
    expect(formatUptime(null)).toBe("no data");
  });
});
