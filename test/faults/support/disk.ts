/**
 * A full disk for the spool: a small tmpfs mounted where this machine allows it (root, `mount -t tmpfs`),
 * otherwise an injected ENOSPC (./enospc-preload.mjs loaded into the bridge process).
 */
import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const PRELOAD = fileURLToPath(new URL("./enospc-preload.mjs", import.meta.url));

/** How the disk fills up. */
export interface FullDisk {
  kind: "tmpfs" | "injected ENOSPC";
  /** The spool directory to give the bridge (SPOOL_DIR). */
  spoolDir: string;
  /** Extra environment for the bridge (the preload, for the injected kind). */
  env: Record<string, string>;
  /** Injected kind: the disk is full from now on (tmpfs fills by itself). */
  fill(): void;
  /** Injected kind: space again (tmpfs frees space as the spool drains). */
  free(): void;
  dispose(): Promise<void>;
}

/**
 * @param base an empty directory of the test's own
 * @param sizeKb the tmpfs size
 * @param force `"injected"` to skip the mount attempt
 */
export async function fullDisk(base: string, sizeKb: number, force?: "injected"): Promise<FullDisk> {
  const spoolDir = `${base}/spool`;
  mkdirSync(spoolDir, { recursive: true });
  if (force !== "injected") {
    try {
      await run("mount", ["-t", "tmpfs", "-o", `size=${sizeKb}k,mode=0700`, "tmpfs", spoolDir]);
      return {
        kind: "tmpfs", spoolDir, env: {}, fill() {}, free() {},
        async dispose() { await run("umount", [spoolDir]).catch(() => run("umount", ["-l", spoolDir])); },
      };
    } catch {
      // not allowed here: fall through to the injected kind
    }
  }
  const flag = `${base}/disk-full`;
  return {
    kind: "injected ENOSPC",
    spoolDir,
    env: { NODE_OPTIONS: `--import ${PRELOAD}`, FAULT_ENOSPC_DIR: spoolDir, FAULT_ENOSPC_FLAG: flag },
    fill: () => writeFileSync(flag, ""),
    free: () => rmSync(flag, { force: true }),
    async dispose() { rmSync(flag, { force: true }); },
  };
}
