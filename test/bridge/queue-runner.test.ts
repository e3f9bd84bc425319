/**
 * The queue runner over a real file spool: `concurrency` bounds entries that are delivering, and an
 * entry that has released its slot (only waiting for the Worker to acknowledge its events) does not
 * hold up the next delivery, and is still never picked up twice.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../bridge/log.js";
import type { Envelope, SpoolState, Target } from "../../bridge/mail/types.js";
import { initialState } from "../../bridge/pipeline/initial-state.js";
import { createQueueRunner, type QueueRunner } from "../../bridge/pipeline/queue-runner.js";
import { createFileSpool, type FileSpool } from "../../bridge/spool/file-spool.js";
import { forwardPlan, tempDir } from "./support.js";

const log = createLogger("silent", "mx1");
const envelope = (): Envelope => ({
  mailFrom: "alice@sender.test", clientIp: "127.0.0.1", heloName: "client.test", receivedAt: new Date().toISOString(), receivedBy: "mx1",
});
const targets: Target[] = [{ kind: "forward", rcptTo: "shop@alias.test", plan: forwardPlan("shop@alias.test", ["jane@real.test"]) }];
const raw = Buffer.from("Subject: hi\r\n\r\nbody\r\n");

let tmp: Awaited<ReturnType<typeof tempDir>>;
let spool: FileSpool;
let runner: QueueRunner | undefined;

beforeEach(async () => {
  tmp = await tempDir("queue-runner");
  spool = createFileSpool({ dir: tmp.dir, log, initialState });
  await spool.recover();
});
afterEach(async () => {
  await runner?.stop();
  runner = undefined;
  await tmp.cleanup();
});

/** A promise with its resolver, for holding a fake report open. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => { open = r; });
  return { promise, open };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
};

describe("queue runner", () => {
  it("processes nothing before start(), however often it is woken (a bridge started with runQueue: false)", async () => {
    await spool.put(envelope(), targets, raw);
    const started: string[] = [];
    runner = createQueueRunner({ spool, concurrency: 1, pollMs: 60_000, log, process: async (state) => { started.push(state.id); } });
    runner.wake();
    runner.wake();
    await new Promise((r) => setTimeout(r, 100));
    expect(started).toEqual([]);
    runner.start();
    await until(() => started.length === 1);
  });

  it("with one delivery slot, starts the next entry while the first only waits for its report", async () => {
    const ids = [(await spool.put(envelope(), targets, raw)).id, (await spool.put(envelope(), targets, raw)).id];
    const report = gate();
    const started: string[] = [];
    const reported: string[] = [];
    runner = createQueueRunner({
      spool, concurrency: 1, pollMs: 60_000, log,
      process: async (state: SpoolState, _signal, release) => {
        started.push(state.id);
        release(); // sends over: only the (held) report is left
        await report.promise;
        reported.push(state.id);
      },
    });
    runner.start();
    await until(() => started.length === 2);
    expect(new Set(started)).toEqual(new Set(ids));
    expect(reported).toEqual([]);
    report.open();
    await until(() => reported.length === 2);
  });

  it("without a release, one slot means one entry at a time; a held entry is not started twice", async () => {
    for (let i = 0; i < 3; i++) await spool.put(envelope(), targets, raw);
    let running = 0;
    let most = 0;
    const seen = new Map<string, number>();
    runner = createQueueRunner({
      spool, concurrency: 1, pollMs: 5, log,
      process: async (state: SpoolState) => {
        running++;
        most = Math.max(most, running);
        seen.set(state.id, (seen.get(state.id) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 30));
        running--;
        await spool.remove(state.id);
      },
    });
    runner.start();
    await until(() => seen.size === 3 && running === 0);
    expect(most).toBe(1);
    expect([...seen.values()]).toEqual([1, 1, 1]);
  });
});

describe("queue runner, bytes in delivery", () => {
  /** Runs 3 entries of ~4 KiB with `maxDeliveringBytes`; returns the most that delivered at once. */
  async function mostAtOnce(maxDeliveringBytes: number): Promise<{ most: number; whileHeld: number }> {
    for (let i = 0; i < 3; i++) await spool.put(envelope(), targets, Buffer.alloc(4096, 120));
    const sends = gate();
    const running = new Set<string>();
    let most = 0;
    let finished = 0;
    runner = createQueueRunner({
      spool, concurrency: 8, maxDeliveringBytes, pollMs: 60_000, log,
      process: async (state) => {
        running.add(state.id);
        most = Math.max(most, running.size);
        await sends.promise;
        running.delete(state.id);
        await spool.remove(state.id);
        finished++;
      },
    });
    runner.start();
    await until(() => running.size >= 1);
    await new Promise((r) => setTimeout(r, 150));
    const whileHeld = running.size;
    sends.open();
    await until(() => finished === 3);
    return { most, whileHeld };
  }

  it("starts no entry whose message would take the delivering bytes past the bound (it waits for bytes, not for a slot)", async () => {
    expect(await mostAtOnce(2 * 4096 + 100)).toEqual({ most: 2, whileHeld: 2 });
  });

  it("an entry larger than the bound still goes, alone", async () => {
    expect(await mostAtOnce(1000)).toEqual({ most: 1, whileHeld: 1 });
  });
});
