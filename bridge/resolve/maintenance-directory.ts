/**
 * Resolve stage decorator for maintenance mode, outermost around the cache: while the gate is active the
 * Worker is asked every time (the cache is bypassed), its `451 4.3.2` is passed on, and if the Worker
 * cannot answer the sender still gets `451 4.3.2` (not a stale answer). A normal answer from the Worker
 * while the gate is active means maintenance is over here too.
 */
import type { Logger } from "../log.js";
import { MailError } from "../mail/errors.js";
import { REPLIES } from "../mail/replies.js";
import type { AliasDirectory } from "../mail/types.js";
import type { MaintenanceGate } from "../ops/maintenance-gate.js";

/**
 * @param inner normally the CachingDirectory, built with `bypass: () => gate.active()`
 * @example const directory = createMaintenanceDirectory(cachingDirectory, gate, log)
 */
export function createMaintenanceDirectory(inner: AliasDirectory, gate: MaintenanceGate, log: Logger): AliasDirectory {
  return {
    async resolve(req) {
      const held = gate.active();
      let answer;
      try {
        answer = await inner.resolve(req);
      } catch (err) {
        if (!held) throw err;
        log.info({}, "resolve:maintenance (Worker unreachable)");
        throw new MailError("resolve", REPLIES.maintenance, { cause: err, detail: "maintenance, Worker unreachable" });
      }
      if (answer.action === "defer" && answer.maintenance) gate.set(answer.maintenance, "resolve");
      else if (held) gate.set({ on: false, until: null }, "resolve");
      return answer;
    },
  };
}
