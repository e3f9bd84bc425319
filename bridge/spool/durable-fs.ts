/**
 * The few file operations the spool is built from, each durable when its promise resolves
 * (Haraka's `fsync_writestream.js`, Postfix's `cleanup`): data reaches the disk with fsync, a rename
 * becomes durable with an fsync of the directory that holds it.
 */
import { open, rename } from "node:fs/promises";
import path from "node:path";

/**
 * Creates `file` (it must not exist), writes `data` and fsyncs it. Mode 0600: mail is private.
 * @throws the fs error (ENOSPC, EEXIST, ...); a partial file may remain, which the caller removes
 */
export async function writeSynced(file: string, data: Uint8Array | string): Promise<void> {
  const fh = await open(file, "wx", 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** fsyncs a directory so that renames and creations inside it survive a crash. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Moves `from` to `dir/name` (same file system, atomic) and fsyncs `dir`.
 * @example await renameSynced(tmpFile, stateDir, `${id}.json`)
 */
export async function renameSynced(from: string, dir: string, name: string): Promise<void> {
  await rename(from, path.join(dir, name));
  await syncDir(dir);
}
