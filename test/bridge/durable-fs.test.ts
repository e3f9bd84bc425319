/**
 * The spool's durable file operations on a real directory: the directory group commit shares fsyncs
 * among concurrent callers, never lets a caller ride an fsync that began before its call, and passes a
 * failure to every caller that shared it.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDirSyncer, syncDir, writeSynced } from "../../bridge/spool/durable-fs.js";

let dir: string;
beforeEach(async () => { dir = await mkdtemp(path.join(tmpdir(), "durable-fs-")); });
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("writeSynced", () => {
  it("writes the whole file once and refuses to overwrite", async () => {
    const data = Buffer.alloc(3 * 1024 * 1024, 7);
    await writeSynced(path.join(dir, "a"), data);
    expect((await readFile(path.join(dir, "a"))).equals(data)).toBe(true);
    await expect(writeSynced(path.join(dir, "a"), "again")).rejects.toMatchObject({ code: "EEXIST" });
  });
});

describe("createDirSyncer", () => {
  /** The real directory fsync, with each call's start and end recorded in order. */
  function recorded() {
    const calls: { started: number; ended?: number }[] = [];
    let clock = 0;
    const fsyncDir = async (d: string) => {
      const call: { started: number; ended?: number } = { started: ++clock };
      calls.push(call);
      await syncDir(d);
      call.ended = ++clock;
    };
    return { calls, fsyncDir, tick: () => ++clock };
  }

  it("100 concurrent callers share a few fsyncs, and each resolves after an fsync that began after its call", async () => {
    const { calls, fsyncDir, tick } = recorded();
    const sync = createDirSyncer(dir, fsyncDir);
    const callers = Array.from({ length: 100 }, async (_, i) => {
      if (i % 10 === 0) await new Promise((r) => setImmediate(r)); // some arrive while an fsync runs
      const calledAt = tick();
      await sync();
      return { calledAt, resolvedAt: tick() };
    });
    const results = await Promise.all(callers);
    expect(calls.length).toBeGreaterThanOrEqual(1);
    expect(calls.length).toBeLessThanOrEqual(12);
    for (const r of results) {
      // Some fsync started after this call and ended before it resolved.
      expect(calls.some((c) => c.started > r.calledAt && c.ended! < r.resolvedAt)).toBe(true);
    }
  });

  it("a failed fsync rejects every caller that shared it, and the next call tries again", async () => {
    let fail = true;
    let count = 0;
    const sync = createDirSyncer(dir, async (d) => {
      count++;
      await new Promise((r) => setTimeout(r, 5));
      if (fail) throw Object.assign(new Error("EIO"), { code: "EIO" });
      await syncDir(d);
    });
    const first = sync();
    const shared = [sync(), sync(), sync()];
    await expect(first).rejects.toThrow("EIO");
    for (const p of shared) await expect(p).rejects.toThrow("EIO");
    expect(count).toBe(2);
    fail = false;
    await expect(sync()).resolves.toBeUndefined();
    expect(count).toBe(3);
  });
});
