/**
 * Shared pieces of the bridge tests.
 *
 * The Worker is replaced here by a fake AliasDirectory (a table of answers) and a fake Reporter (an
 * in-memory event list that, like the Worker, applies each event id once). The real Worker side of
 * `/internal/v1/resolve` and `/internal/v1/events` is covered by the lead's Worker and integration tests.
 * Everything else is real: smtp-server, the file spool on a temp dir, nodemailer, the DKIM signer, and a
 * real SMTP sink (bridge/dev/sink.ts) on 127.0.0.1 as the relay.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BridgeEvent, ForwardPlan, ResolveRequest, ResolveResponse } from "../../common/internal-api.js";
import { type BridgeConfig, loadConfig } from "../../bridge/config.js";
import { startSink, type SinkOptions } from "../../bridge/dev/sink.js";
import type { AliasDirectory, Reporter } from "../../bridge/mail/types.js";
import { MailError } from "../../bridge/mail/errors.js";
import { REPLIES } from "../../bridge/mail/replies.js";
import { generateDkimKey } from "../../bridge/sign/keys.js";

export const SECRET = "test-secret-0123456789";

/** One RSA key for the whole test file (generation takes ~100 ms). */
export const DKIM_KEY = generateDkimKey();

/** A forward plan for `alias` → `recipients` (emails), signing as `example.test`. */
export function forwardPlan(alias: string, recipients: string[], over: Partial<ForwardPlan> = {}): ForwardPlan {
  return {
    aliasId: `alias-${alias}`,
    aliasEmail: alias,
    userId: "user-1",
    recipients: recipients.map((email, i) => ({ id: `rcp-${i + 1}`, email })),
    signingDomain: "example.test",
    display: { fromFormat: 0, bannerLocation: "off", useReplyTo: false, aliasDescription: null },
    ...over,
  };
}

const ok = { code: 250, enhanced: "2.1.5", message: "OK" };

export const answers = {
  forward: (plan: ForwardPlan): ResolveResponse => ({ action: "forward", reply: ok, plan }),
  discard: (aliasId: string): ResolveResponse => ({ action: "discard", reply: ok, aliasId, userId: "user-1" }),
  reject: (): ResolveResponse => ({ action: "reject", reply: { code: 550, enhanced: "5.1.1", message: "Address unknown" } }),
  defer: (): ResolveResponse => ({ action: "defer", reply: { code: 450, enhanced: "4.2.1", message: "Try again later" } }),
};

/** Fake directory: answers from `table` (by lower-case RCPT); unknown → reject; `"throw"` → unreachable. */
export function fakeDirectory(table: Record<string, ResolveResponse | "throw">): AliasDirectory & { calls: ResolveRequest[] } {
  const calls: ResolveRequest[] = [];
  return {
    calls,
    async resolve(req) {
      calls.push(req);
      const answer = table[req.rcptTo.toLowerCase()];
      if (answer === "throw") throw new MailError("resolve", REPLIES.directoryUnavailable, { detail: "fake outage" });
      return answer ?? answers.reject();
    },
  };
}

/** Fake reporter: keeps each event once by id (as the Worker does); `failing` makes it throw. */
export function fakeReporter(): Reporter & { events: BridgeEvent[]; calls: number; failing: boolean } {
  const seen = new Set<string>();
  const self = {
    events: [] as BridgeEvent[],
    calls: 0,
    failing: false,
    async report(events: BridgeEvent[]) {
      self.calls++;
      if (self.failing) throw new Error("fake reporter down");
      for (const e of events) if (!seen.has(e.id)) { seen.add(e.id); self.events.push(e); }
    },
  };
  return self;
}

/** A temp dir removed by the returned cleanup. */
export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `veilmail-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A bridge configuration for tests: port 0, silent, quick polling, the given spool and relay. */
export function testConfig(spoolDir: string, env: Record<string, string> = {}): BridgeConfig {
  return loadConfig({
    BRIDGE_SECRET: SECRET,
    SMTP_PORT: "0",
    HOSTNAME: "mx1.bridge.test",
    SPOOL_DIR: spoolDir,
    LOG_LEVEL: "silent",
    QUEUE_POLL_MS: "50",
    WORKER_URL: "http://127.0.0.1:9", // unused: the directory and reporter are fakes
    ...env,
  });
}

/** A sink on a free port writing into `dir`. */
export function sinkAt(dir: string, respond?: SinkOptions["respond"]) {
  return startSink({ host: "127.0.0.1", port: 0, dir, ...(respond ? { respond } : {}) });
}

/** Messages the sink stored: envelope plus bytes, in arrival order. */
export async function sinkMessages(dir: string): Promise<Array<{ mailFrom: string; rcptTo: string[]; eml: Buffer }>> {
  const names = (await readdir(dir)).filter((n) => n.endsWith(".json")).sort();
  return Promise.all(names.map(async (n) => {
    const envelope = JSON.parse(await readFile(path.join(dir, n), "utf8")) as { mailFrom: string; rcptTo: string[] };
    return { ...envelope, eml: await readFile(path.join(dir, n.replace(/\.json$/, ".eml"))) };
  }));
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes (then throws `what`). */
export async function waitFor<T>(what: string, check: () => Promise<T> | T, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Files in a spool subdirectory (`messages`, `state`, `corrupt`, `tmp`). */
export async function spoolFiles(spoolDir: string, sub: string): Promise<string[]> {
  return (await readdir(path.join(spoolDir, sub)).catch(() => [] as string[])).sort();
}

/** A small RFC 5322 message from `from` to `to`. */
export function message(from: string, to: string, subject = "Hello", body = "Hi there.\r\nSecond line.\r\n"): string {
  return [
    `From: Alice Sender <${from}>`,
    `To: <${to}>`,
    `Subject: ${subject}`,
    "Date: Mon, 06 Jan 2025 10:00:00 +0000",
    `Message-ID: <${Math.random().toString(36).slice(2)}@sender.test>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    body,
  ].join("\r\n");
}
