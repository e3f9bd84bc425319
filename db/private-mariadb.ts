/**
 * A private MariaDB server for machines that have the binaries but no server running (Node only).
 *
 * Layout under `dir` (normally `<repo>/.data/mariadb/`): `data/` (datadir), `sock`, `port` (the port it
 * listens on, written once it answers), `mariadbd.pid`, `mariadbd.log`, and `lock/` while one process is
 * starting it. The server is detached: it outlives the process that started it, and later calls (other
 * test files, `npm run dev`) reuse it. Init and start follow TESTING.md.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { MYSQL8_SQL_MODE, openConnection } from "./mysql.js";

const SEARCH_DIRS = ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/usr/local/mysql/bin"];
const START_TIMEOUT_MS = 60_000;

/** Where a binary lives, from PATH and the usual Debian locations; null when absent. */
export function findBinary(name: string): string | null {
  const dirs = [...(process.env.PATH ?? "").split(":").filter(Boolean), ...SEARCH_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** True when `mysql://root@127.0.0.1:port` accepts a login and answers `SELECT 1`. */
export async function canConnect(url: string): Promise<boolean> {
  try {
    const conn = await openConnection(url);
    await conn.query("SELECT 1");
    await conn.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts (or reuses) the private server in `dir`.
 *
 * @param options.port listen here instead of on a free port (to restart a stopped server where its
 *   clients expect it, e.g. a test that takes the database away and brings it back)
 * @returns null when `mariadbd` / `mariadb-install-db` are not installed; otherwise the server URL
 *   (`mysql://root@127.0.0.1:PORT`, no database) and `stop()`, which stops the server only if this call
 *   started it (a reused server is left running for its other users).
 * @throws when the server does not come up within a minute (the message carries the log's tail).
 */
export async function startPrivateMariadb(
  dir: string,
  options: { port?: number } = {},
): Promise<{ serverUrl: string; stop(): Promise<void> } | null> {
  const mariadbd = findBinary("mariadbd") ?? findBinary("mysqld");
  const installDb = findBinary("mariadb-install-db") ?? findBinary("mysql_install_db");
  if (!mariadbd || !installDb) return null;
  await mkdir(dir, { recursive: true });

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const running = await runningUrl(dir);
    if (running) return { serverUrl: running, stop: async () => {} };
    if (await takeLock(dir)) break;
    if (Date.now() > deadline) throw new Error(`timed out waiting for the private MariaDB in ${dir}`);
    await sleep(200);
  }
  try {
    const running = await runningUrl(dir);
    if (running) return { serverUrl: running, stop: async () => {} };
    const dataDir = join(dir, "data");
    if (!existsSync(join(dataDir, "mysql"))) await initDataDir(installDb, dataDir);
    const port = options.port ?? await freePort();
    const pid = await launch(mariadbd, dir, dataDir, port, deadline);
    await writeFile(join(dir, "port"), String(port));
    return { serverUrl: `mysql://root@127.0.0.1:${port}`, stop: () => stopServer(dir, pid) };
  } finally {
    await rm(join(dir, "lock"), { recursive: true, force: true });
  }
}

async function runningUrl(dir: string): Promise<string | null> {
  const port = await readFile(join(dir, "port"), "utf8").catch(() => "");
  if (!/^\d+$/.test(port.trim())) return null;
  const url = `mysql://root@127.0.0.1:${port.trim()}`;
  return (await canConnect(url)) ? url : null;
}

/** mkdir is atomic: the one process that creates `lock/` starts the server. A dead owner's lock is broken. */
async function takeLock(dir: string): Promise<boolean> {
  const lock = join(dir, "lock");
  try {
    await mkdir(lock);
    await writeFile(join(lock, "owner"), String(process.pid));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    const owner = Number(await readFile(join(lock, "owner"), "utf8").catch(() => "NaN"));
    if (Number.isInteger(owner) && !isAlive(owner)) await rm(lock, { recursive: true, force: true });
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function initDataDir(installDb: string, dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const args = ["--no-defaults", `--datadir=${dataDir}`, "--user=root",
    "--auth-root-authentication-method=normal", "--skip-test-db"];
  const output = await run(installDb, args);
  if (!existsSync(join(dataDir, "mysql"))) throw new Error(`mariadb-install-db failed:\n${output}`);
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}:\n${out}`))));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function launch(mariadbd: string, dir: string, dataDir: string, port: number, deadline: number): Promise<number> {
  const log = join(dir, "mariadbd.log");
  const args = ["--no-defaults", `--datadir=${dataDir}`, `--socket=${join(dir, "sock")}`, `--port=${port}`,
    "--bind-address=127.0.0.1", "--user=root", "--character-set-server=utf8mb4",
    "--collation-server=utf8mb4_unicode_ci", "--default-time-zone=+00:00", `--sql-mode=${MYSQL8_SQL_MODE}`,
    `--pid-file=${join(dir, "mariadbd.pid")}`, `--log-error=${log}`];
  const child = spawn(mariadbd, args, { detached: true, stdio: "ignore" });
  child.unref();
  let exited: number | null = null;
  child.on("exit", (code) => (exited = code ?? -1));
  const url = `mysql://root@127.0.0.1:${port}`;
  while (Date.now() < deadline) {
    if (exited !== null) break;
    if (await canConnect(url)) return child.pid ?? 0;
    await sleep(100);
  }
  const tail = (await readFile(log, "utf8").catch(() => "")).split("\n").slice(-20).join("\n");
  if (exited === null && child.pid) process.kill(child.pid, "SIGKILL");
  throw new Error(`private mariadbd did not start (exit ${exited ?? "timeout"}); log tail:\n${tail}`);
}

async function stopServer(dir: string, pid: number): Promise<void> {
  await rm(join(dir, "port"), { force: true });
  if (!pid || !isAlive(pid)) return;
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 300 && isAlive(pid); i++) await sleep(100);
}
