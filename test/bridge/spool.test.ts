/**
 * The file spool on a real temp directory: what is on disk after a put, what recovery does with each
 * kind of debris a crash can leave, that an unreadable entry is set aside without stopping the rest, and
 * how a message written while it arrives (begin: DATA streamed to disk) commits, aborts and fails.
 */
import { randomBytes } from "node:crypto";
import { readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../bridge/log.js";
import { MailError } from "../../bridge/mail/errors.js";
import type { Envelope, Target } from "../../bridge/mail/types.js";
import { initialState } from "../../bridge/pipeline/initial-state.js";
import { createFileSpool, type FileSpool, newSpoolId } from "../../bridge/spool/file-spool.js";
import { MEMORY_BYTES } from "../../bridge/spool/spool-writer.js";
import { dueAt } from "../../bridge/spool/state.js";
import { forwardPlan, spoolFiles, tempDir } from "./support.js";

const log = createLogger("silent", "mx1");
const envelope = (): Envelope => ({
  mailFrom: "alice@sender.test", clientIp: "127.0.0.1", heloName: "client.test", receivedAt: new Date().toISOString(), receivedBy: "mx1",
});
const targets: Target[] = [
  { kind: "forward", rcptTo: "shop@alias.test", plan: forwardPlan("shop@alias.test", ["jane@real.test", "joe@real.test"]) },
  { kind: "discard", rcptTo: "old@alias.test", aliasId: "alias-old", userId: "user-1" },
];
const raw = Buffer.from("Subject: hi\r\n\r\nbody\r\n");

let tmp: Awaited<ReturnType<typeof tempDir>>;
let spool: FileSpool;
const open = async () => {
  spool = createFileSpool({ dir: tmp.dir, log, initialState });
  return spool.recover();
};

beforeEach(async () => {
  tmp = await tempDir("spool");
  await open();
});
afterEach(() => tmp.cleanup());

describe("file spool", () => {
  it("put leaves exactly one message and one state file, and nothing in tmp/", async () => {
    const state = await spool.put(envelope(), targets, raw);
    expect(await spoolFiles(tmp.dir, "messages")).toEqual([`${state.id}.eml`]);
    expect(await spoolFiles(tmp.dir, "state")).toEqual([`${state.id}.json`]);
    expect(await spoolFiles(tmp.dir, "tmp")).toEqual([]);
    expect(await readFile(path.join(tmp.dir, "messages", `${state.id}.eml`))).toEqual(raw);
    const onDisk = JSON.parse(await readFile(path.join(tmp.dir, "state", `${state.id}.json`), "utf8"));
    expect(onDisk.deliveries.map((d: { key: string; status: string }) => `${d.key}:${d.status}`)).toEqual(["0:rcp-1:pending", "0:rcp-2:pending"]);
    expect(onDisk.unreported).toMatchObject([{ kind: "blocked", aliasId: "alias-old", bytes: raw.length }]);
    const stats = await spool.stats();
    expect(stats).toMatchObject({ depth: 1, oldestReceivedAt: state.envelope.receivedAt });
    // Due at once (deliveries and a report), and not before it was written.
    expect(Date.parse(stats.oldestDueAt!)).toBeGreaterThanOrEqual(Date.parse(state.envelope.receivedAt));
    expect(Date.parse(stats.oldestDueAt!)).toBeLessThanOrEqual(Date.now());
  });

  it("ids sort by arrival", () => {
    const a = newSpoolId(1_700_000_000_000);
    const b = newSpoolId(1_700_000_000_001);
    expect(a < b).toBe(true);
    expect(a).toMatch(/^[0-9a-z]{9}-[0-9a-f]{10}$/);
  });

  it("a reopened spool finds committed entries again", async () => {
    const state = await spool.put(envelope(), targets, raw);
    expect(await open()).toEqual({ entries: 1, corrupt: 0, discarded: 0 });
    expect((await spool.due(new Date())).map((s) => s.id)).toEqual([state.id]);
  });

  it("recovery deletes a message whose state was never committed (never acknowledged)", async () => {
    const id = newSpoolId();
    await writeFile(path.join(tmp.dir, "messages", `${id}.eml`), raw);
    await writeFile(path.join(tmp.dir, "tmp", `${id}.json`), "{}");
    expect(await open()).toEqual({ entries: 0, corrupt: 0, discarded: 1 });
    expect(await spoolFiles(tmp.dir, "messages")).toEqual([]);
    expect(await spoolFiles(tmp.dir, "tmp")).toEqual([]);
  });

  it("recovery sets aside a state without its message, an unparsable state and a stray file", async () => {
    const good = await spool.put(envelope(), targets, raw);
    const orphan = await spool.put(envelope(), targets, raw);
    const broken = await spool.put(envelope(), targets, raw);
    await rm(path.join(tmp.dir, "messages", `${orphan.id}.eml`));
    await writeFile(path.join(tmp.dir, "state", `${broken.id}.json`), "{\"id\": \"trunc");
    await writeFile(path.join(tmp.dir, "state", "notes.txt"), "?");
    expect(await open()).toEqual({ entries: 1, corrupt: 3, discarded: 0 });
    expect(await spoolFiles(tmp.dir, "corrupt")).toEqual([`${broken.id}.eml`, `${broken.id}.json`, `${orphan.id}.json`, "notes.txt"].sort());
    expect((await spool.due(new Date())).map((s) => s.id)).toEqual([good.id]);
  });

  it("an entry damaged while running is quarantined by due() when it is read from disk, and the others are still returned", async () => {
    // memoryBytes 0: nothing kept in memory, every due() reads and validates the state files.
    spool = createFileSpool({ dir: tmp.dir, log, initialState, memoryBytes: 0 });
    await spool.recover();
    const a = await spool.put(envelope(), targets, raw);
    const b = await spool.put(envelope(), targets, raw);
    await writeFile(path.join(tmp.dir, "state", `${a.id}.json`), JSON.stringify({ id: a.id, nonsense: true }));
    expect((await spool.due(new Date())).map((s) => s.id)).toEqual([b.id]);
    expect(await spoolFiles(tmp.dir, "corrupt")).toEqual([`${a.id}.eml`, `${a.id}.json`]);
    expect((await spool.stats()).depth).toBe(1);
  });

  it("due() parses the state as last written (no disk read) and gives a fresh copy each time", async () => {
    const state = await spool.put(envelope(), targets, raw);
    // Kept in memory: the file is not read back (a file damaged now is found at the next recovery).
    await writeFile(path.join(tmp.dir, "state", `${state.id}.json`), "damaged");
    const [first] = await spool.due(new Date());
    expect(first).toEqual(state);
    first!.deliveries[0]!.status = "delivered";
    first!.unreported = [];
    const [second] = await spool.due(new Date());
    expect(second).toEqual(state);
    expect(second).not.toBe(first);
    // An update is what due() returns next, and what is on disk.
    await spool.update(first!);
    expect((await spool.due(new Date()))[0]).toEqual(first);
    expect(JSON.parse(await readFile(path.join(tmp.dir, "state", `${state.id}.json`), "utf8"))).toEqual(first);
  });

  it("a small message is read from memory until its entry waits for a later attempt, then from disk", async () => {
    const state = await spool.put(envelope(), targets.slice(0, 1), raw);
    const file = path.join(tmp.dir, "messages", `${state.id}.eml`);
    await rm(file); // only memory can answer now
    expect(await spool.readMessage(state.id)).toEqual(raw);
    await writeFile(file, raw);
    for (const d of state.deliveries) d.nextAttemptAt = new Date(Date.now() + 60_000).toISOString();
    await spool.update(state);
    await rm(file);
    await expect(spool.readMessage(state.id)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("past memoryBytes, states and messages are read from disk", async () => {
    spool = createFileSpool({ dir: tmp.dir, log, initialState, memoryBytes: raw.length + 10 });
    await spool.recover();
    const state = await spool.put(envelope(), targets.slice(0, 1), raw);
    // The state text is larger than the budget: nothing was kept; the disk answers, validated.
    await writeFile(path.join(tmp.dir, "state", `${state.id}.json`), JSON.stringify({ id: state.id }));
    expect(await spool.due(new Date())).toEqual([]);
    expect(await spoolFiles(tmp.dir, "corrupt")).toEqual([`${state.id}.eml`, `${state.id}.json`]);
  });

  it("update replaces the state atomically and moves the entry's due time", async () => {
    const state = await spool.put(envelope(), targets, raw);
    const later = new Date(Date.now() + 60_000);
    for (const d of state.deliveries) d.nextAttemptAt = later.toISOString();
    state.unreported = [];
    await spool.update(state);
    expect(await spool.due(new Date())).toEqual([]);
    expect((await spool.due(new Date(later.getTime() + 1))).map((s) => s.id)).toEqual([state.id]);
    expect(dueAt(state)).toBe(later.getTime());
    expect(await spoolFiles(tmp.dir, "tmp")).toEqual([]);
  });

  it("due() honours skip and limit", async () => {
    const ids = [];
    const forwardOnly = targets.slice(0, 1);
    for (let i = 0; i < 4; i++) {
      const receivedAt = new Date(Date.now() - 10_000 + i * 1000).toISOString(); // due in this order
      ids.push((await spool.put({ ...envelope(), receivedAt }, forwardOnly, raw)).id);
    }
    const got = await spool.due(new Date(), { skip: new Set([ids[0]!]), limit: 2 });
    expect(got.map((s) => s.id)).toEqual([ids[1], ids[2]]);
  });

  it("remove deletes both files", async () => {
    const state = await spool.put(envelope(), targets, raw);
    await spool.remove(state.id);
    expect(await spoolFiles(tmp.dir, "messages")).toEqual([]);
    expect(await spoolFiles(tmp.dir, "state")).toEqual([]);
    expect((await spool.stats()).depth).toBe(0);
  });

  it("refuses ids that could escape the spool directory", async () => {
    await expect(spool.readMessage("../../etc/passwd")).rejects.toThrow(/not a spool id/);
  });
});

describe("a message written while it arrives (begin)", () => {
  /** A message several times larger than what the writer keeps in memory, in 64 KiB pieces. */
  const big = Buffer.concat([Buffer.from("Subject: big\r\n\r\n"), randomBytes(4 * MEMORY_BYTES + 12345)]);
  const pieces = (bytes: Buffer) => Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) => bytes.subarray(i * 65536, (i + 1) * 65536));

  it("goes to its file as it comes, reads back whole, and commits byte for byte", async () => {
    const writer = spool.begin();
    for (const piece of pieces(big)) await writer.write(piece);
    // Past the memory allowance the bytes are on disk, but without a state nothing is committed yet.
    const [file] = await spoolFiles(tmp.dir, "messages");
    expect(file).toMatch(/\.eml$/);
    expect((await stat(path.join(tmp.dir, "messages", file!))).size).toBeGreaterThan(MEMORY_BYTES);
    expect(await spoolFiles(tmp.dir, "state")).toEqual([]);
    expect((await spool.stats()).depth).toBe(0);
    expect(await spool.due(new Date())).toEqual([]);
    expect((await writer.read()).equals(big)).toBe(true);

    const state = await writer.commit(envelope(), targets);
    expect(state.size).toBe(big.length);
    expect(await spoolFiles(tmp.dir, "tmp")).toEqual([]);
    expect((await readFile(path.join(tmp.dir, "messages", `${state.id}.eml`))).equals(big)).toBe(true);
    expect(await spoolFiles(tmp.dir, "state")).toEqual([`${state.id}.json`]);
    expect((await spool.readMessage(state.id)).equals(big)).toBe(true);
  });

  it("a crash while a message arrives leaves an uncommitted message file, which recovery deletes", async () => {
    const writer = spool.begin();
    for (const piece of pieces(big)) await writer.write(piece);
    expect(await spoolFiles(tmp.dir, "messages")).toHaveLength(1);
    // No commit, no abort: the process is gone. The next start finds a message without state.
    expect(await open()).toEqual({ entries: 0, corrupt: 0, discarded: 1 });
    for (const sub of ["tmp", "messages", "state", "corrupt"]) expect(await spoolFiles(tmp.dir, sub)).toEqual([]);
  });

  it("a small message stays in memory until its commit", async () => {
    const writer = spool.begin();
    await writer.write(raw.subarray(0, 5));
    await writer.write(raw.subarray(5));
    expect(await spoolFiles(tmp.dir, "tmp")).toEqual([]);
    expect((await writer.read()).equals(raw)).toBe(true);
    const state = await writer.commit(envelope(), targets);
    expect(await readFile(path.join(tmp.dir, "messages", `${state.id}.eml`))).toEqual(raw);
  });

  it("abort leaves nothing behind, and is a no-op after a commit", async () => {
    const writer = spool.begin();
    for (const piece of pieces(big)) await writer.write(piece);
    expect(await spoolFiles(tmp.dir, "messages")).toHaveLength(1);
    await writer.abort();
    for (const sub of ["tmp", "messages", "state"]) expect(await spoolFiles(tmp.dir, sub)).toEqual([]);

    const committed = spool.begin();
    for (const piece of pieces(big)) await committed.write(piece);
    const state = await committed.commit(envelope(), targets);
    await committed.abort();
    expect(await spoolFiles(tmp.dir, "state")).toEqual([`${state.id}.json`]);
    expect(await spoolFiles(tmp.dir, "messages")).toEqual([`${state.id}.eml`]);
  });

  it("a write that fails (here: tmp/ gone) makes the commit refuse with 452 4.3.1 and leaves nothing", async () => {
    await rm(path.join(tmp.dir, "tmp"), { recursive: true });
    const writer = spool.begin();
    for (const piece of pieces(big)) await writer.write(piece); // the failure is kept, not thrown here
    expect(writer.size).toBe(big.length);
    const err = await writer.commit(envelope(), targets).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(MailError);
    expect(err).toMatchObject({ smtpCode: 452, enhanced: "4.3.1", stage: "spool" });
    expect(await spoolFiles(tmp.dir, "messages")).toEqual([]);
    expect(await spoolFiles(tmp.dir, "state")).toEqual([]);
    expect((await spool.stats()).depth).toBe(0);
  });
});
