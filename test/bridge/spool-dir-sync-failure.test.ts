/**
 * The file spool when the fsync of state/ fails after the rename into it has succeeded (the directory
 * cannot be opened, EMFILE, or its fsync reports EIO): the update is refused, but state/ already holds the
 * new version. What due() hands the queue runner next must be what is on disk, not the text kept in memory
 * from the write before: otherwise a recipient the new state marks delivered is sent the message again.
 *
 * The failure is injected the way the fault suite's ENOSPC preload does it (test/faults/support/
 * enospc-preload.mjs): the callback fs.open that bridge/spool/durable-fs.ts uses fails, for the state
 * directory only, while `failStateDirOpen` is set. Everything else is the real file system.
 */
import fsCallback from "node:fs";
import { readFile } from "node:fs/promises";
import { syncBuiltinESMExports } from "node:module";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../bridge/log.js";
import type { Envelope, Target } from "../../bridge/mail/types.js";
import { initialState } from "../../bridge/pipeline/initial-state.js";
import { createFileSpool, type FileSpool } from "../../bridge/spool/file-spool.js";
import { forwardPlan, tempDir } from "./support.js";

const log = createLogger("silent", "mx1");
const envelope = (): Envelope => ({
  mailFrom: "alice@sender.test", clientIp: "127.0.0.1", heloName: "client.test", receivedAt: new Date().toISOString(), receivedBy: "mx1",
});
const targets: Target[] = [
  { kind: "forward", rcptTo: "shop@alias.test", plan: forwardPlan("shop@alias.test", ["jane@real.test", "joe@real.test"]) },
];
const raw = Buffer.from("Subject: hi\r\n\r\nbody\r\n");

let failStateDirOpen: string | null = null;
const realOpen = fsCallback.open;
beforeAll(() => {
  fsCallback.open = function open(this: unknown, file: fsCallback.PathLike, ...rest: unknown[]) {
    if (failStateDirOpen !== null && String(file) === failStateDirOpen) {
      const cb = rest.pop() as (err: NodeJS.ErrnoException | null, fd?: number) => void;
      const err = Object.assign(new Error(`EMFILE: too many open files, open '${String(file)}'`), { code: "EMFILE", errno: -24, syscall: "open" });
      process.nextTick(() => cb(err));
      return;
    }
    return (realOpen as (...a: unknown[]) => void).call(this, file, ...rest);
  } as typeof fsCallback.open;
  syncBuiltinESMExports();
});
afterAll(() => {
  fsCallback.open = realOpen;
  syncBuiltinESMExports();
});

let tmp: Awaited<ReturnType<typeof tempDir>>;
let spool: FileSpool;
beforeEach(async () => {
  tmp = await tempDir("spool-dirsync");
  spool = createFileSpool({ dir: tmp.dir, log, initialState });
  await spool.recover();
});
afterEach(async () => {
  failStateDirOpen = null;
  await tmp.cleanup();
});

describe("file spool: the state directory's fsync fails after the rename", () => {
  it("the injection reaches the spool: the update is refused (else this test proves nothing)", async () => {
    const state = await spool.put(envelope(), targets, raw);
    failStateDirOpen = path.join(tmp.dir, "state");
    state.deliveries[0]!.status = "delivered";
    await expect(spool.update(state)).rejects.toMatchObject({ code: "EMFILE" });
  });

  it("due() then returns the state on disk (the recipient marked delivered), not the text of the write before", async () => {
    const state = await spool.put(envelope(), targets, raw);
    const [due] = await spool.due(new Date());
    // The first recipient got the message; the update that records it fails at the directory fsync.
    due!.deliveries[0]!.status = "delivered";
    due!.deliveries[0]!.attempts = 1;
    failStateDirOpen = path.join(tmp.dir, "state");
    await expect(spool.update(due!)).rejects.toMatchObject({ code: "EMFILE" });
    failStateDirOpen = null;

    const onDisk = JSON.parse(await readFile(path.join(tmp.dir, "state", `${state.id}.json`), "utf8"));
    expect(onDisk.deliveries[0].status).toBe("delivered"); // the rename happened
    const [next] = await spool.due(new Date());
    expect(next!.deliveries.map((d) => d.status)).toEqual(onDisk.deliveries.map((d: { status: string }) => d.status));
    expect(next!.deliveries[0]!.status).toBe("delivered");
    // The message is still there for the second recipient.
    expect(await spool.readMessage(state.id)).toEqual(raw);
  });
});
