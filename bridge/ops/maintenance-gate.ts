/**
 * What this bridge believes about maintenance mode, learnt from the Worker (a resolve answer deferred
 * for maintenance, and every heartbeat response) so that it holds mail even while it receives none and
 * keeps answering `451 4.3.2` if the Worker itself goes away during the maintenance. An end time, when
 * given, ends it here too without waiting to hear from the Worker.
 */
import type { MaintenanceState } from "../../common/internal-api.js";
import type { Logger } from "../log.js";

export interface MaintenanceGate {
  /** True while maintenance is on and not past its end: answer 4.3.2 and hold the queue. */
  active(): boolean;
  /** The latest state heard from the Worker. */
  set(state: MaintenanceState, source: "resolve" | "heartbeat"): void;
  /** `listener(active)` runs whenever `active()` changes, including when the end time passes. */
  onChange(listener: (active: boolean) => void): void;
  /** Stops the end-time timer. */
  close(): void;
}

/**
 * @example const gate = createMaintenanceGate(log); gate.onChange((on) => { if (!on) runner.wake(); })
 */
export function createMaintenanceGate(log: Logger, now: () => number = Date.now): MaintenanceGate {
  let on = false;
  let until: number | null = null;
  let timer: NodeJS.Timeout | undefined;
  const listeners: ((active: boolean) => void)[] = [];
  const active = () => on && (until === null || now() < until);
  let last = false;

  const notify = (source: string) => {
    const current = active();
    if (current === last) return;
    last = current;
    log.warn({ source, until: until === null ? null : new Date(until).toISOString() }, current ? "maintenance:on" : "maintenance:off");
    for (const l of listeners) l(current);
  };

  return {
    active,
    set(state, source) {
      on = state.on;
      until = state.on && state.until ? Date.parse(state.until) : null;
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (on && until !== null) {
        // setTimeout's limit is about 24.8 days; a longer window is re-armed by the next heartbeat.
        timer = setTimeout(() => notify("end time"), Math.min(Math.max(0, until - now()) + 10, 2 ** 31 - 1));
        timer.unref();
      }
      notify(source);
    },
    onChange(listener) { listeners.push(listener); },
    close() { if (timer) clearTimeout(timer); },
  };
}
