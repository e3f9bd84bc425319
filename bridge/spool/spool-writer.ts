/**
 * A message written into the spool while it arrives (DATA), so that a large message never sits in memory
 * whole: the first {@link MEMORY_BYTES} octets stay in memory (a small message costs what a whole-message
 * put costs: one write and one fsync at commit, and the spool may keep those bytes for the first
 * delivery); past that, bytes go to the entry's message file in batches of about that size.
 *
 * Nothing is committed before `commit`: the message file is completed and fsync'd, then the spool writes
 * the state and renames it into state/ (the commit, ./file-spool.ts); only then does `commit` resolve, and
 * only then may the receiver answer 250. `abort` (a refused message, a client that went away) and a failed
 * commit remove every file the entry has; a crash mid-DATA leaves at most a message file without state,
 * which recovery deletes.
 */
import { type FileHandle, open, readFile } from "node:fs/promises";
import { MailError } from "../mail/errors.js";
import { REPLIES } from "../mail/replies.js";
import type { Envelope, SpoolState, SpoolWriter, Target } from "../mail/types.js";
import { writeSynced } from "./durable-fs.js";

/** Octets kept in memory before the writer starts its temp file; also the size of each write batch. */
export const MEMORY_BYTES = 256 * 1024;

/** What the spool does around the message file (./file-spool.ts). */
export interface SpoolWriterHooks {
  /**
   * Writes the state and, once `completeMessage()` has resolved (the message complete and fsync'd at
   * `messageFile`; the two may run side by side), renames the state into place (the commit). `bytes`: the whole message
   * when it never left memory (the spool may keep it for the first delivery), else undefined.
   */
  commit(envelope: Envelope, targets: Target[], size: number, completeMessage: () => Promise<void>, bytes?: Buffer): Promise<SpoolState>;
  /** Removes whatever exists of the entry's files, state first; must not throw. */
  cleanUp(): Promise<void>;
}

/**
 * @param messageFile the file for the message (must not exist; created once the bytes outgrow memory, or at commit; not committed until the spool commits the state)
 * @example const w = createSpoolWriter(path.join(messagesDir, `${id}.eml`), hooks); await w.write(chunk); await w.commit(envelope, targets)
 */
export function createSpoolWriter(messageFile: string, hooks: SpoolWriterHooks): SpoolWriter {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let size = 0;
  let fh: FileHandle | null = null;
  /** The first write error: later bytes are only counted, and commit refuses. */
  let failed: unknown = null;
  let finished = false;
  /** File operations run one at a time, in call order. */
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <R>(op: () => Promise<R>): Promise<R> => {
    const result = queue.then(op);
    queue = result.catch(() => {});
    return result;
  };

  const refusal = (err: unknown) => err instanceof MailError ? err
    : new MailError("spool", REPLIES.spoolFull, { cause: err, detail: `spool write failed: ${(err as Error).message}` });

  /** Appends the pending bytes to the temp file (created on first use); records a failure instead of throwing. */
  async function flush(): Promise<void> {
    if (failed || pending.length === 0) return;
    let batch = pending;
    pending = [];
    pendingBytes = 0;
    try {
      fh ??= await open(messageFile, "wx", 0o600);
      while (batch.length > 0) {
        let { bytesWritten } = await fh.writev(batch);
        while (batch.length > 0 && bytesWritten >= batch[0]!.length) bytesWritten -= batch.shift()!.length;
        if (bytesWritten > 0) batch[0] = batch[0]!.subarray(bytesWritten);
      }
    } catch (err) {
      failed = err;
    }
  }

  async function closeFile(): Promise<void> {
    const handle = fh;
    fh = null;
    await handle?.close().catch(() => {});
  }

  return {
    get size() { return size; },

    write(chunk) {
      if (finished) return Promise.reject(new Error("spool writer: write after commit or abort"));
      size += chunk.length;
      if (failed || chunk.length === 0) return Promise.resolve();
      pending.push(chunk);
      pendingBytes += chunk.length;
      return pendingBytes >= MEMORY_BYTES ? serial(flush) : Promise.resolve();
    },

    read() {
      return serial(async () => {
        if (!fh && !failed) return Buffer.concat(pending, pendingBytes);
        await flush();
        if (failed) throw refusal(failed);
        return readFile(messageFile);
      });
    },

    commit(envelope, targets) {
      if (finished) return Promise.reject(new Error("spool writer: already committed or aborted"));
      finished = true;
      return serial(async () => {
        try {
          let bytes: Buffer | undefined;
          let completeMessage: () => Promise<void>;
          if (fh || failed) {
            await flush();
            if (failed) throw failed;
            completeMessage = async () => {
              await fh!.sync();
              await closeFile();
            };
          } else {
            const whole = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
            bytes = whole;
            completeMessage = () => writeSynced(messageFile, whole);
          }
          pending = [];
          return await hooks.commit(envelope, targets, size, completeMessage, bytes);
        } catch (err) {
          pending = [];
          await closeFile();
          await hooks.cleanUp();
          throw refusal(err);
        }
      });
    },

    abort() {
      // After a commit (which cleans up itself when it fails) there is nothing to abort.
      if (finished) return queue.then(() => {});
      finished = true;
      pending = [];
      return serial(async () => {
        await closeFile();
        await hooks.cleanUp();
      });
    },
  };
}
