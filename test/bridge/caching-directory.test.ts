/**
 * Serve-stale resolution (bridge/resolve/caching-directory.ts) and maintenance mode at RCPT
 * (bridge/resolve/maintenance-directory.ts, bridge/ops/maintenance-gate.ts), against a fake inner
 * directory (a table; the Worker's side is covered by test/worker/*) and a fake clock.
 */
import { describe, expect, it } from "vitest";
import type { ResolveResponse } from "../../common/internal-api.js";
import { createLogger } from "../../bridge/log.js";
import { MailError } from "../../bridge/mail/errors.js";
import { REPLIES } from "../../bridge/mail/replies.js";
import type { AliasDirectory } from "../../bridge/mail/types.js";
import { createMaintenanceGate } from "../../bridge/ops/maintenance-gate.js";
import { createCachingDirectory } from "../../bridge/resolve/caching-directory.js";
import { createMaintenanceDirectory } from "../../bridge/resolve/maintenance-directory.js";
import { answers, forwardPlan } from "./support.js";

const log = createLogger("silent", "test");
const req = (rcptTo: string) => ({ mailFrom: "a@sender.test", rcptTo, clientIp: "127.0.0.1" });
const MIN = 60_000;

/** An inner directory: answers from `table`, or throws 451 4.3.0 while `down`; counts calls. */
function worker(table: Record<string, ResolveResponse>) {
  const self = {
    down: false,
    calls: 0,
    table,
    async resolve(r: { rcptTo: string }): Promise<ResolveResponse> {
      self.calls++;
      if (self.down) throw new MailError("resolve", REPLIES.directoryUnavailable, { detail: "fake outage" });
      return self.table[r.rcptTo.toLowerCase()] ?? answers.reject();
    },
  };
  return self;
}

function setup(over: { maxEntries?: number } = {}) {
  let t = 1_000_000;
  const inner = worker({
    "shop@a.test": answers.forward(forwardPlan("shop@a.test", ["jane@real.test"])),
    "off@a.test": answers.discard("alias-off"),
  });
  const gate = createMaintenanceGate(log, () => t);
  const cache = createCachingDirectory({
    inner, maxEntries: over.maxEntries ?? 100, ttlMs: MIN, staleMs: 24 * 60 * MIN, bypass: () => gate.active(), log, now: () => t,
  });
  const directory: AliasDirectory = createMaintenanceDirectory(cache, gate, log);
  return { inner, cache, gate, directory, advance: (ms: number) => { t += ms; } };
}

const code = async (p: Promise<unknown>) => {
  try {
    await p;
    return 250;
  } catch (err) {
    return `${(err as MailError).smtpCode} ${(err as MailError).enhanced}`;
  }
};

describe("CachingDirectory", () => {
  it("serves a fresh answer without asking the Worker, and asks again after the TTL", async () => {
    const { inner, directory, advance } = setup();
    expect((await directory.resolve(req("Shop@A.test"))).action).toBe("forward");
    advance(30_000);
    expect((await directory.resolve(req("shop@a.test"))).action).toBe("forward");
    expect(inner.calls).toBe(1);
    advance(31_000);
    await directory.resolve(req("shop@a.test"));
    expect(inner.calls).toBe(2);
  });

  it("lets a deactivation (now discard) and a deletion (now reject) through within the TTL", async () => {
    const { inner, directory, advance } = setup();
    await directory.resolve(req("shop@a.test"));
    inner.table["shop@a.test"] = answers.discard("alias-shop");
    advance(MIN);
    expect((await directory.resolve(req("shop@a.test"))).action).toBe("discard");
    inner.table["shop@a.test"] = answers.reject();
    advance(MIN);
    expect((await directory.resolve(req("shop@a.test"))).action).toBe("reject");
    // A rejected address is forgotten: an outage now cannot resurrect it.
    inner.down = true;
    expect(await code(directory.resolve(req("shop@a.test")))).toBe("451 4.3.0");
  });

  it("serves forward and discard answers stale during an outage, up to the bound, and 451 4.3.0 for the rest", async () => {
    const { inner, directory, advance } = setup();
    await directory.resolve(req("shop@a.test"));
    await directory.resolve(req("off@a.test"));
    inner.down = true;
    advance(23 * 60 * MIN);
    expect((await directory.resolve(req("shop@a.test"))).action).toBe("forward");
    expect((await directory.resolve(req("off@a.test"))).action).toBe("discard");
    expect(await code(directory.resolve(req("never-seen@a.test")))).toBe("451 4.3.0");
    advance(61 * MIN); // past 24 h since the Worker last vouched for them
    expect(await code(directory.resolve(req("shop@a.test")))).toBe("451 4.3.0");
    expect(await code(directory.resolve(req("off@a.test")))).toBe("451 4.3.0");
  });

  it("never caches a refusal or a deferral, so an outage never turns into a 5xx", async () => {
    const { inner, directory } = setup();
    inner.table["slow@a.test"] = answers.defer();
    expect((await directory.resolve(req("nobody@a.test"))).action).toBe("reject");
    expect((await directory.resolve(req("slow@a.test"))).action).toBe("defer");
    inner.down = true;
    expect(await code(directory.resolve(req("nobody@a.test")))).toBe("451 4.3.0");
    expect(await code(directory.resolve(req("slow@a.test")))).toBe("451 4.3.0");
  });

  it("keeps at most maxEntries, dropping the least recently used", async () => {
    const { inner, cache, directory } = setup({ maxEntries: 2 });
    for (const a of ["x1", "x2", "x3"]) inner.table[`${a}@a.test`] = answers.forward(forwardPlan(`${a}@a.test`, ["j@real.test"]));
    await directory.resolve(req("x1@a.test"));
    await directory.resolve(req("x2@a.test"));
    await directory.resolve(req("x1@a.test")); // x1 is now the most recent
    await directory.resolve(req("x3@a.test"));
    expect(cache.size).toBe(2);
    inner.down = true;
    expect((await directory.resolve(req("x1@a.test"))).action).toBe("forward");
    expect(await code(directory.resolve(req("x2@a.test")))).toBe("451 4.3.0");
  });
});

describe("maintenance mode at RCPT", () => {
  const maintenanceDefer = (until: string | null): ResolveResponse => ({
    action: "defer", reply: { code: 451, enhanced: "4.3.2", message: "System not accepting network messages" }, maintenance: { on: true, until },
  });

  it("bypasses the cache, keeps answering 451 4.3.2 while the Worker is away, and ends on the Worker's word", async () => {
    const { inner, gate, directory } = setup();
    await directory.resolve(req("shop@a.test")); // cached and fresh
    inner.table["shop@a.test"] = maintenanceDefer(null);
    inner.table["off@a.test"] = maintenanceDefer(null);
    // A fresh cache hit is still served until the bridge learns of the maintenance (heartbeat or a lookup).
    expect((await directory.resolve(req("shop@a.test"))).action).toBe("forward");
    expect((await directory.resolve(req("off@a.test"))).action).toBe("defer");
    expect(gate.active()).toBe(true);
    const during = await directory.resolve(req("shop@a.test"));
    expect(during).toMatchObject({ action: "defer", reply: { code: 451, enhanced: "4.3.2" } });
    inner.down = true;
    expect(await code(directory.resolve(req("shop@a.test")))).toBe("451 4.3.2");
    inner.down = false;
    inner.table["shop@a.test"] = answers.forward(forwardPlan("shop@a.test", ["jane@real.test"]));
    expect((await directory.resolve(req("shop@a.test"))).action).toBe("forward");
    expect(gate.active()).toBe(false);
  });

  it("ends by itself at the announced end time, and tells listeners both ways", async () => {
    const { gate, advance } = setup();
    const changes: boolean[] = [];
    gate.onChange((on) => changes.push(on));
    gate.set({ on: true, until: new Date(1_000_000 + 5 * MIN).toISOString() }, "heartbeat");
    expect(gate.active()).toBe(true);
    advance(5 * MIN);
    expect(gate.active()).toBe(false);
    gate.set({ on: false, until: null }, "heartbeat");
    expect(changes).toEqual([true, false]);
    gate.close();
  });
});
