/**
 * The whole local stack for end-to-end tests: a throwaway database and data directory, free ports,
 * and helpers to send with swaks and read the development sink's outbox.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import type { StaticZone } from "../../bridge/dns/resolver.js";
import { type Stack, startStack } from "../../scripts/stack/stack.js";

export interface OutboxMessage {
  id: string;
  raw: Buffer;
  envelope: { mailFrom: string; rcptTo: string[] };
}

/**
 * Starts the stack with a demo account `demo` (recipient demo@example.com) on `veilmail.test`.
 * @param dnsZone records added to the dev DNS zone (the demo domain's SPF and DMARC are always there)
 */
export async function startTestStack(bridgeEnv: Record<string, string> = {}, dnsZone?: StaticZone): Promise<Stack & { dataDir: string }> {
  const dataDir = mkdtempSync(`${tmpdir()}/veilmail-e2e-`);
  const stack = await startStack({
    dataDir,
    dbName: `veilmail_e2e_${randomBytes(4).toString("hex")}`,
    dropDatabaseOnStop: true,
    ports: { worker: 0, mx1: 0, mx2: 0, sink: 0, simulator: 0 },
    sharedDomain: "veilmail.test",
    demo: { username: "demo", recipient: "demo@example.com", password: "demo-password-1" },
    bridgeEnv: { RETRY_SCHEDULE: "1s", QUEUE_POLL_MS: "200", OUTBOX_POLL_MS: "200", LOG_LEVEL: "debug", ...bridgeEnv },
    ...(dnsZone ? { dnsZone } : {}),
  });
  const stop = stack.stop;
  return Object.assign(stack, {
    dataDir,
    stop: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

/** Every complete message in the outbox (a `.json` envelope marks a complete one), oldest first. */
export function readOutbox(dir: string): OutboxMessage[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => {
    const id = f.slice(0, -5);
    return { id, raw: readFileSync(`${dir}/${id}.eml`), envelope: JSON.parse(readFileSync(`${dir}/${f}`, "utf8")) };
  });
}

/** Polls the outbox until `predicate` holds for its contents, or throws after `timeoutMs`. */
export async function waitForOutbox(dir: string, predicate: (msgs: OutboxMessage[]) => boolean, timeoutMs = 20_000): Promise<OutboxMessage[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const msgs = readOutbox(dir);
    if (predicate(msgs)) return msgs;
    if (Date.now() > deadline) throw new Error(`outbox condition not met within ${timeoutMs} ms (${msgs.length} messages)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs swaks (a real SMTP client, Debian package `swaks`); resolves with its exit code and transcript. */
export function swaks(args: string[]): Promise<{ code: number; transcript: string }> {
  return new Promise((resolve, reject) => {
    execFile("swaks", ["--timeout", "30", ...args], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === "ENOENT") {
        reject(new Error("swaks is not installed: run scripts/install-system-deps.sh (Debian package swaks)"));
        return;
      }
      const code = err ? Number((err as { code?: number }).code ?? 1) : 0;
      resolve({ code, transcript: `${stdout}${stderr}` });
    });
  });
}

/** Messages in the outbox whose raw bytes contain `marker` (e.g. a unique subject). */
export const withMarker = (msgs: OutboxMessage[], marker: string) => msgs.filter((m) => m.raw.includes(marker));
