/**
 * The durable spool: one directory per state, Postfix's queue layout with Haraka's write discipline.
 *
 * ```
 * <dir>/tmp/        state files being written; anything here at start is debris of an unfinished write
 * <dir>/messages/   <id>.eml  the message exactly as received (immutable; committed only once its state is)
 * <dir>/state/      <id>.json the entry's state (SpoolState); its presence is the commit
 * <dir>/corrupt/    entries that could not be read, set aside for an operator, never retried
 * ```
 *
 * `put` writes the message in place in messages/ and the state to tmp/, fsyncs both and the messages/
 * directory, then renames the state into state/ and fsyncs that directory. Only then does it resolve,
 * and only then may the receiver answer 250. `begin` does the same for a message that arrives in
 * pieces: its bytes go to its file as they come (./spool-writer.ts) and its `commit` is put's sequence
 * from the message's fsync on. Because messages/ is synced before the state rename, a crash can leave
 * a message without state (never acknowledged, possibly partial: deleted at recovery) but never a
 * committed state without its message. `update` replaces the state file the same way (tmp, fsync, rename,
 * fsync dir), so after a crash each state file is either the old or the new version.
 *
 * An in-memory index (id → when next due) avoids reading every state file on each poll; it is rebuilt
 * from disk by {@link FileSpool.recover}, which validates every state file. The index also keeps, within
 * `memoryBytes`, the text of each state as last written (so `due` parses what it wrote instead of
 * reading the file back: Postfix's qmgr likewise works from memory between scans) and the bytes of small
 * messages until their first attempt is over (so the first delivery reads nothing from disk). What does
 * not fit is read from disk and validated as at recovery, and a file found damaged then is quarantined.
 * Directory fsyncs are shared among concurrent commits (./durable-fs.ts createDirSyncer).
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, unlink } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "../log.js";
import type { Envelope, Spool, SpoolState, SpoolWriter, Target } from "../mail/types.js";
import { createDirSyncer, syncDir, writeSynced } from "./durable-fs.js";
import { createSpoolWriter } from "./spool-writer.js";
import { dueAt, parseState, serializeState, SPOOL_ID } from "./state.js";

export interface FileSpoolOptions {
  /** The spool directory; created when missing. */
  dir: string;
  log: Logger;
  /** Builds the first state of a new entry (the pipeline decides deliveries and initial events). */
  initialState: (id: string, envelope: Envelope, targets: Target[], size: number) => SpoolState;
  /**
   * Octets of state texts and of small messages (each at most {@link CACHED_MESSAGE_BYTES}) kept in memory
   * between writing and using them; default {@link DEFAULT_MEMORY_BYTES}. 0 reads everything back from disk.
   */
  memoryBytes?: number;
}

/** Default of {@link FileSpoolOptions.memoryBytes}: 32 MiB. */
export const DEFAULT_MEMORY_BYTES = 32 * 1024 * 1024;
/** Messages larger than this are never kept in memory (they are read from disk, or streamed, when sent). */
export const CACHED_MESSAGE_BYTES = 256 * 1024;

/** What {@link FileSpool.recover} found. */
export interface RecoveryReport {
  /** Committed entries now queued. */
  entries: number;
  /** Entries (or stray files) moved to corrupt/. */
  corrupt: number;
  /** Messages without state: never acknowledged, deleted. */
  discarded: number;
}

export interface FileSpool extends Spool {
  /** Creates the directories, clears tmp/, quarantines unreadable entries and rebuilds the index. Call once, before anything else. */
  recover(): Promise<RecoveryReport>;
  readonly dir: string;
}

/** A new spool id: time-ordered (base-36 ms) plus 40 random bits, e.g. `m3x9k2a1b-9f3e2a1b0c`. */
export function newSpoolId(now = Date.now()): string {
  return `${now.toString(36).padStart(9, "0")}-${randomBytes(5).toString("hex")}`;
}

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === "ENOENT";
/** Unlinks `file`; one already gone is not an error (unlink, not rm: rm stats the path first). */
const unlinkIfPresent = (file: string) => unlink(file).catch((err) => { if (!isMissing(err)) throw err; });

/**
 * Opens the spool at `options.dir`. Call `recover()` before use.
 * @example const spool = createFileSpool({ dir, log, initialState }); await spool.recover();
 */
export function createFileSpool(options: FileSpoolOptions): FileSpool {
  const { dir, log } = options;
  const d = {
    tmp: path.join(dir, "tmp"),
    messages: path.join(dir, "messages"),
    state: path.join(dir, "state"),
    corrupt: path.join(dir, "corrupt"),
  };
  const messageFile = (id: string) => path.join(d.messages, `${id}.eml`);
  const stateFile = (id: string) => path.join(d.state, `${id}.json`);
  /**
   * `indexedAt`: when this entry's state was last written or read at recovery (due no earlier than that);
   * `text`: the state as last written, when it fits in memory; `message`: the message, while kept.
   */
  interface IndexEntry { dueAt: number; receivedAt: string; indexedAt: number; text?: string; message?: Buffer }
  const index = new Map<string, IndexEntry>();
  const memoryBytes = options.memoryBytes ?? DEFAULT_MEMORY_BYTES;
  /** Octets held by `text` and `message` of index entries. */
  let heldBytes = 0;
  const syncMessages = createDirSyncer(d.messages);
  const syncStates = createDirSyncer(d.state);

  /** Forgets what an entry holds in memory. */
  function dropHeld(entry: IndexEntry | undefined, what: "text" | "message" | "both"): void {
    if (!entry) return;
    if (what !== "message" && entry.text !== undefined) { heldBytes -= entry.text.length; entry.text = undefined; }
    if (what !== "text" && entry.message) { heldBytes -= entry.message.length; entry.message = undefined; }
  }

  /** Indexes an entry's newly written state (keeping its text when it fits) and, when given, its message. */
  function indexState(state: SpoolState, text: string, message?: Buffer): void {
    const old = index.get(state.id);
    const entry: IndexEntry = { dueAt: dueAt(state), receivedAt: state.envelope.receivedAt, indexedAt: Date.now(), message: old?.message };
    if (old?.text !== undefined) heldBytes -= old.text.length;
    if (heldBytes + text.length <= memoryBytes) { entry.text = text; heldBytes += text.length; }
    if (message && message.length <= CACHED_MESSAGE_BYTES && heldBytes + message.length <= memoryBytes) {
      entry.message = message;
      heldBytes += message.length;
    }
    index.set(state.id, entry);
  }

  /** Removes an entry from the index and frees what it held. */
  function unindex(id: string): void {
    dropHeld(index.get(id), "both");
    index.delete(id);
  }

  function checkId(id: string): void {
    if (!SPOOL_ID.test(id)) throw new Error(`not a spool id: ${JSON.stringify(id).slice(0, 40)}`);
  }

  /** Moves whatever exists of `names` from `from` into corrupt/ (never overwriting). */
  async function setAside(from: string, names: string[]): Promise<void> {
    for (const name of names) {
      const target = path.join(d.corrupt, name);
      const taken = await stat(target).then(() => true, () => false);
      await rename(path.join(from, name), taken ? `${target}.${randomBytes(3).toString("hex")}` : target)
        .catch((err) => { if (!isMissing(err)) throw err; });
    }
    await syncDir(d.corrupt);
  }

  async function quarantine(id: string, reason: string): Promise<void> {
    unindex(id);
    await setAside(d.state, [`${id}.json`]);
    await setAside(d.messages, [`${id}.eml`]);
    log.warn({ spoolId: id, reason }, "spool:corrupt");
  }

  /** Reads and validates an entry from disk; quarantines it when unreadable, `null` when gone. */
  async function load(id: string): Promise<SpoolState | null> {
    let text: string;
    try {
      text = await readFile(stateFile(id), "utf8");
    } catch (err) {
      if (isMissing(err)) { unindex(id); return null; }
      throw err;
    }
    try {
      const state = parseState(text);
      if (state.id !== id) throw new Error(`state names entry ${state.id}`);
      await stat(messageFile(id)).catch((err) => {
        throw isMissing(err) ? new Error("message file missing") : err;
      });
      return state;
    } catch (err) {
      await quarantine(id, (err as Error).message.slice(0, 300));
      return null;
    }
  }

  /** A new entry written through a {@link createSpoolWriter}: the message first, then the state (the commit). */
  function begin(): SpoolWriter {
    const id = newSpoolId();
    const tmpState = path.join(d.tmp, `${id}.json`);
    // The message is written in place: without its state it is not committed (recovery deletes it), so
    // a rename would add a metadata operation per message and no safety.
    return createSpoolWriter(messageFile(id), {
      async commit(envelope, targets, size, completeMessage, bytes) {
        const state = options.initialState(id, envelope, targets, size);
        const text = serializeState(state);
        // Message and state are written and fsync'd side by side; the message's directory entry is
        // made durable before the state's rename (the commit), so a committed state always has its message.
        // Both settle before any failure is raised, so the clean-up that follows finds every file.
        const written = await Promise.allSettled([completeMessage(), writeSynced(tmpState, text)]);
        for (const w of written) if (w.status === "rejected") throw w.reason;
        await syncMessages();
        await rename(tmpState, stateFile(id));
        await syncStates(); // the commit
        indexState(state, text, bytes);
        return state;
      },
      async cleanUp() {
        // In commit order (state first), so a crash during the clean-up leaves nothing committed.
        for (const f of [stateFile(id), tmpState, messageFile(id)]) await rm(f, { force: true }).catch(() => {});
      },
    });
  }

  return {
    dir,

    async recover() {
      await Promise.all(Object.values(d).map((sub) => mkdir(sub, { recursive: true, mode: 0o700 })));
      for (const name of await readdir(d.tmp)) await rm(path.join(d.tmp, name), { force: true, recursive: true });
      index.clear();
      heldBytes = 0;
      const report: RecoveryReport = { entries: 0, corrupt: 0, discarded: 0 };
      const committed = new Set<string>();
      for (const name of (await readdir(d.state)).sort()) {
        const id = name.endsWith(".json") ? name.slice(0, -5) : "";
        if (!SPOOL_ID.test(id)) {
          await setAside(d.state, [name]);
          log.warn({ file: name }, "spool:corrupt");
          report.corrupt++;
          continue;
        }
        const state = await load(id);
        if (!state) { report.corrupt++; continue; }
        committed.add(id);
        index.set(id, { dueAt: dueAt(state), receivedAt: state.envelope.receivedAt, indexedAt: Date.now() });
        // (Texts are not kept here: due() reads and validates each recovered entry once.)
        report.entries++;
      }
      for (const name of await readdir(d.messages)) {
        const id = name.endsWith(".eml") ? name.slice(0, -4) : "";
        if (committed.has(id)) continue;
        if (SPOOL_ID.test(id)) {
          // A message (possibly partial: written in place) whose state was never committed: the client never got our 250.
          await unlinkIfPresent(path.join(d.messages, name));
          log.info({ spoolId: id }, "spool:discard-unacknowledged");
          report.discarded++;
        } else {
          await setAside(d.messages, [name]);
          report.corrupt++;
        }
      }
      log.info(report, "spool:recovered");
      return report;
    },

    async put(envelope, targets, raw) {
      const writer = begin();
      await writer.write(raw);
      return writer.commit(envelope, targets);
    },

    begin,

    async due(now, opts = {}) {
      const t = now.getTime();
      const limit = opts.limit ?? Infinity;
      const ids = [...index]
        .filter(([id, e]) => e.dueAt <= t && !opts.skip?.has(id))
        .sort((a, b) => a[1].dueAt - b[1].dueAt || (a[0] < b[0] ? -1 : 1));
      const states: SpoolState[] = [];
      for (const [id, entry] of ids) {
        if (states.length >= limit) break;
        // Our own last write, parsed afresh (callers mutate what they get); otherwise from disk, validated.
        const state = entry.text !== undefined ? JSON.parse(entry.text) as SpoolState : await load(id);
        if (state) states.push(state);
      }
      return states;
    },

    async readMessage(id) {
      checkId(id);
      return index.get(id)?.message ?? readFile(messageFile(id));
    },

    async update(state) {
      checkId(state.id);
      const tmp = path.join(d.tmp, `${state.id}.${randomBytes(4).toString("hex")}.json`);
      const text = serializeState(state);
      try {
        await writeSynced(tmp, text);
        await rename(tmp, stateFile(state.id));
        await syncStates();
      } catch (err) {
        // The rename may have happened (only the directory fsync failed): state/ may hold the new
        // version. Forget the old text, so that due() reads whichever version the file has.
        dropHeld(index.get(state.id), "text");
        await rm(tmp, { force: true }).catch(() => {});
        throw err;
      }
      indexState(state, text);
      // An entry that waits for a later attempt gives its message's memory back (read from disk then).
      const entry = index.get(state.id)!;
      if (entry.dueAt > Date.now()) dropHeld(entry, "message");
    },

    async remove(id) {
      checkId(id);
      unindex(id);
      // State first: it is the commit. A crash between the two leaves a message without state,
      // which recovery deletes.
      await unlinkIfPresent(stateFile(id));
      await unlinkIfPresent(messageFile(id));
    },

    quarantine: async (id, reason) => {
      checkId(id);
      await quarantine(id, reason);
    },

    async stats() {
      let oldest: string | null = null;
      let due = Infinity;
      for (const e of index.values()) {
        if (oldest === null || e.receivedAt < oldest) oldest = e.receivedAt;
        // Due since its due time, or since its state was last written if that is later (dueAt 0 is "now").
        const since = Math.max(e.dueAt, e.indexedAt);
        if (since < due) due = since;
      }
      return { depth: index.size, oldestReceivedAt: oldest, oldestDueAt: due === Infinity ? null : new Date(due).toISOString() };
    },
  };
}
