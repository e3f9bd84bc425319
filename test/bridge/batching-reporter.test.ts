/**
 * The batching report decorator, against a recording inner reporter (the Worker side of reporting is
 * covered by test/worker/events.test.ts and the end-to-end tests; here only the batching is under test).
 */
import { describe, expect, it } from "vitest";
import type { BridgeEvent } from "../../common/internal-api.js";
import type { Reporter } from "../../bridge/mail/types.js";
import { createBatchingReporter } from "../../bridge/report/batching-reporter.js";

const ev = (n: number): BridgeEvent => ({
  id: crypto.randomUUID(), kind: "forwarded", aliasId: `a${n}`, userId: "u", bytes: n, at: new Date().toISOString(),
});

function recorder(behaviour: (call: number) => Promise<void> = () => Promise.resolve()) {
  const calls: BridgeEvent[][] = [];
  const inner: Reporter = { report: (events) => { calls.push(events); return behaviour(calls.length); } };
  return { calls, inner };
}

describe("createBatchingReporter", () => {
  it("sends the events of callers within the window as one request and settles every caller", async () => {
    const { calls, inner } = recorder();
    const reporter = createBatchingReporter(inner, { maxWaitMs: 30, maxEvents: 500 });
    const batches = Array.from({ length: 10 }, (_, i) => [ev(i), ev(i + 100)]);
    await Promise.all(batches.map((b) => reporter.report(b)));
    expect(calls).toHaveLength(1);
    expect(calls[0]!.map((e) => e.id).sort()).toEqual(batches.flat().map((e) => e.id).sort());
  });

  it("sends at once when maxEvents are waiting, without waiting for the window", async () => {
    const { calls, inner } = recorder();
    const reporter = createBatchingReporter(inner, { maxWaitMs: 60_000, maxEvents: 3 });
    await reporter.report([ev(1), ev(2), ev(3)]);
    expect(calls).toHaveLength(1);
  });

  it("rejects every caller of a failed request and sends later reports as a new batch", async () => {
    const { calls, inner } = recorder((call) => (call === 1 ? Promise.reject(new Error("HTTP 503")) : Promise.resolve()));
    const reporter = createBatchingReporter(inner, { maxWaitMs: 10, maxEvents: 500 });
    const results = await Promise.allSettled([reporter.report([ev(1)]), reporter.report([ev(2)])]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    await reporter.report([ev(3)]);
    expect(calls.map((c) => c.length)).toEqual([2, 1]);
  });

  it("keeps one request in flight; reports arriving meanwhile form the next batch", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const { calls, inner } = recorder((call) => (call === 1 ? gate : Promise.resolve()));
    const reporter = createBatchingReporter(inner, { maxWaitMs: 5, maxEvents: 500 });
    const first = reporter.report([ev(1)]);
    await new Promise((r) => setTimeout(r, 20));
    const later = [reporter.report([ev(2)]), reporter.report([ev(3)])];
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toHaveLength(1);
    release();
    await Promise.all([first, ...later]);
    expect(calls.map((c) => c.length)).toEqual([1, 2]);
  });

  it("resolves an empty report without a request", async () => {
    const { calls, inner } = recorder();
    await createBatchingReporter(inner, { maxWaitMs: 5, maxEvents: 500 }).report([]);
    expect(calls).toHaveLength(0);
  });
});
