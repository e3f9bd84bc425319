/**
 * The few file operations the spool is built from, each durable when its promise resolves
 * (Haraka's `fsync_writestream.js`, Postfix's `cleanup`): data reaches the disk with fsync, a rename
 * becomes durable with an fsync of the directory that holds it.
 *
 * The callback API is used instead of `fs/promises` FileHandles: the same system calls, without a
 * FileHandle object and a promise per step (a forwarded message makes a dozen of these calls).
 */
import { close, fsync, open, write } from "node:fs";

/** Opens `file` with `flags`, runs `use` on the descriptor, and closes it (also when `use` fails). */
function withFd(file: string, flags: string, mode: number, use: (fd: number, done: (err: Error | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    open(file, flags, mode, (err, fd) => {
      if (err) { reject(err); return; }
      use(fd, (useErr) => close(fd, (closeErr) => {
        const failed = useErr ?? closeErr;
        if (failed) reject(failed); else resolve();
      }));
    });
  });
}

/** Writes all of `data` at the descriptor's position, then fsyncs it. */
function writeAllAndSync(fd: number, data: Uint8Array, done: (err: Error | null) => void): void {
  let offset = 0;
  const next = (): void => {
    if (offset >= data.length) { fsync(fd, (err) => done(err)); return; }
    write(fd, data, offset, data.length - offset, null, (err, written) => {
      if (err) { done(err); return; }
      offset += written;
      next();
    });
  };
  next();
}

/**
 * Creates `file` (it must not exist), writes `data` and fsyncs it. Mode 0600: mail is private.
 * @throws the fs error (ENOSPC, EEXIST, ...); a partial file may remain, which the caller removes
 */
export function writeSynced(file: string, data: Uint8Array | string): Promise<void> {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  return withFd(file, "wx", 0o600, (fd, done) => writeAllAndSync(fd, bytes, done));
}

/** fsyncs a directory so that renames and creations inside it survive a crash. */
export function syncDir(dir: string): Promise<void> {
  return withFd(dir, "r", 0, (fd, done) => fsync(fd, (err) => done(err)));
}

/**
 * A group commit for one directory (the way databases share one log flush among concurrent
 * transactions): every caller's rename is durable when its promise resolves, but callers that arrive
 * while an fsync is running share the next one instead of each making their own. An fsync covers every
 * rename finished before it started, so a caller never joins a running fsync (its rename may have come
 * after that fsync began); it waits for the next.
 * @param fsyncDir the fsync itself (tests wrap it to count and order the calls)
 * @returns `sync()`: resolves when an fsync of `dir` that started after the call has finished; rejects
 *   (for every caller sharing it) when that fsync fails
 */
export function createDirSyncer(dir: string, fsyncDir: (dir: string) => Promise<void> = syncDir): () => Promise<void> {
  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  const sync = (): Promise<void> => {
    if (!running) {
      running = fsyncDir(dir).finally(() => { running = null; });
      return running;
    }
    next ??= running.catch(() => {}).then(() => {
      next = null;
      return sync();
    });
    return next;
  };
  return sync;
}
