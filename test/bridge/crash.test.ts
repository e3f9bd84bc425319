/**
 * Crash safety of the real bridge process: `tsx bridge/main.ts` as a child, configured only through its
 * environment, killed with SIGKILL, restarted on the same spool. The Worker is replaced by a fake HTTP
 * Worker that checks request signatures (./fake-worker.ts); the destination is a real SMTP sink.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSink } from "../../bridge/dev/sink.js";
import { RawSmtp } from "../helpers/smtp.js";
import { startFakeWorker, type FakeWorker } from "./fake-worker.js";
import {
  answers, DKIM_KEY, forwardPlan, message, sinkAt, sinkMessages, spoolFiles, tempDir, waitFor,
} from "./support.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const ALIAS = "shop@alias.test";
const SECRET = "crash-test-secret-0123456789";

interface Child { proc: ChildProcess; port: number; exited: Promise<number | null>; output: () => string }

let spool: Awaited<ReturnType<typeof tempDir>>;
let keys: Awaited<ReturnType<typeof tempDir>>;
let outbox: Awaited<ReturnType<typeof tempDir>>;
let sink: Awaited<ReturnType<typeof sinkAt>>;
let worker: FakeWorker;
let env: Record<string, string>;
const children: ChildProcess[] = [];

/** Spawns the bridge and resolves once it logged `bridge:listening` (its SMTP port is 0: any free one). */
async function spawnBridge(): Promise<Child> {
  const proc = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "bridge/main.ts")], {
    cwd: ROOT, env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(proc);
  let output = "";
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      const line = output.split("\n").find((l) => l.includes('"bridge:listening"'));
      if (line) resolve((JSON.parse(line) as { port: number }).port);
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", onData);
    void exited.then((code) => reject(new Error(`bridge exited (${code}) before listening:\n${output}`)));
  });
  return { proc, port, exited, output: () => output };
}

beforeEach(async () => {
  spool = await tempDir("crash-spool");
  outbox = await tempDir("crash-outbox");
  sink = await sinkAt(outbox.dir);
  worker = await startFakeWorker({ mx1: SECRET }, { [ALIAS]: answers.forward(forwardPlan(ALIAS, ["jane@real.test"])) });
  keys = await tempDir("crash-keys");
  const keyFile = path.join(keys.dir, "dkim.pem");
  await writeFile(keyFile, DKIM_KEY.privateKey, { mode: 0o600 });
  env = {
    NODE_NAME: "mx1",
    BRIDGE_SECRET: SECRET,
    WORKER_URL: worker.url,
    SMTP_HOST: "127.0.0.1",
    SMTP_PORT: "0",
    HOSTNAME: "mx1.bridge.test",
    SPOOL_DIR: spool.dir,
    RELAY_URL: `smtp://127.0.0.1:${sink.port}`,
    DKIM_SELECTOR: "s1",
    DKIM_PRIVATE_KEY_FILE: keyFile,
    QUEUE_POLL_MS: "50",
    RETRY_SCHEDULE: "200ms",
    LOG_LEVEL: "info",
  };
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await sink.close();
  await worker.close();
  await spool.cleanup();
  await keys.cleanup();
  await outbox.cleanup();
});

describe("bridge process crash", () => {
  it("a SIGKILL right after our 250 loses nothing and delivers exactly once after restart", async () => {
    // The relay is down while the first process runs, so the kill surely lands before any delivery.
    const relayPort = sink.port;
    await sink.close();
    const first = await spawnBridge();
    const c = await RawSmtp.connect(first.port);
    await c.command("EHLO client.test");
    await c.command("MAIL FROM:<alice@sender.test>");
    expect((await c.command(`RCPT TO:<${ALIAS}>`)).code).toBe(250);
    const reply = await c.data(message("alice@sender.test", ALIAS, "survives a crash"));
    first.proc.kill("SIGKILL"); // as soon as the 250 is in
    expect(reply.code).toBe(250);
    await first.exited;
    c.quit().catch(() => undefined);

    // The entry the client got a 250 for is on disk.
    expect(await spoolFiles(spool.dir, "state")).toHaveLength(1);
    expect(await spoolFiles(spool.dir, "messages")).toHaveLength(1);

    sink = await startSink({ host: "127.0.0.1", port: relayPort, dir: outbox.dir });
    const second = await spawnBridge();
    await waitFor("delivery after restart", async () => (await sinkMessages(outbox.dir)).length === 1);
    await waitFor("the spool to empty", async () => (await spoolFiles(spool.dir, "state")).length === 0);
    await new Promise((r) => setTimeout(r, 300)); // several poll periods: a second copy would show here
    const got = await sinkMessages(outbox.dir);
    expect(got).toHaveLength(1);
    expect(got[0]!.eml.toString()).toMatch(/^Subject: survives a crash\r$/m);
    expect(worker.events.map((e) => e.kind)).toEqual(["forwarded"]);
    expect(worker.unauthorized).toBe(0);

    second.proc.kill("SIGTERM");
    expect(await second.exited).toBe(0); // graceful stop
  });

  it("a SIGKILL in the middle of DATA leaves nothing behind and delivers nothing", async () => {
    const first = await spawnBridge();
    const c = await RawSmtp.connect(first.port);
    await c.command("EHLO client.test");
    await c.command("MAIL FROM:<alice@sender.test>");
    await c.command(`RCPT TO:<${ALIAS}>`);
    expect((await c.command("DATA")).code).toBe(354);
    // half a message, never terminated
    c.write("Subject: half\r\n\r\nsome of the body\r\n");
    await new Promise((r) => setTimeout(r, 100));
    first.proc.kill("SIGKILL");
    await first.exited;
    await c.quit().catch(() => undefined);

    const second = await spawnBridge();
    await new Promise((r) => setTimeout(r, 300));
    expect(await spoolFiles(spool.dir, "state")).toEqual([]);
    expect(await spoolFiles(spool.dir, "messages")).toEqual([]);
    expect(await sinkMessages(outbox.dir)).toEqual([]);
    second.proc.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  });
});
