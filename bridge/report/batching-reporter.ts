/**
 * Report stage, batched: many queue entries finish at about the same time under load, and each used to
 * send its own events request (one Worker transaction each). This decorator gathers the events of all
 * entries reporting within a short window (or until `maxEvents`) into one request, with one request in
 * flight at a time, and settles every caller with that request's outcome. A failed request rejects all of
 * its callers; each keeps its events in its spool entry and retries on its own schedule, as before.
 */
import type { BridgeEvent } from "../../common/internal-api.js";
import type { Reporter } from "../mail/types.js";

interface Waiting {
  events: BridgeEvent[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * @param inner the reporter that talks to the Worker
 * @param opts `maxWaitMs`: how long the first caller of a batch waits for company (milliseconds);
 *   `maxEvents`: send as soon as this many are waiting (the contract allows 500 per request)
 */
export function createBatchingReporter(inner: Reporter, opts: { maxWaitMs: number; maxEvents: number }): Reporter {
  let waiting: Waiting[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inFlight: Promise<void> | null = null;

  const size = () => waiting.reduce((n, w) => n + w.events.length, 0);

  async function flush(): Promise<void> {
    if (timer) { clearTimeout(timer); timer = null; }
    if (inFlight || waiting.length === 0) return;
    const batch = waiting;
    waiting = [];
    inFlight = inner.report(batch.flatMap((w) => w.events)).then(
      () => { for (const w of batch) w.resolve(); },
      (err: unknown) => { for (const w of batch) w.reject(err); },
    ).finally(() => {
      inFlight = null;
      if (waiting.length > 0) schedule();
    });
    await inFlight;
  }

  function schedule(): void {
    if (size() >= opts.maxEvents) void flush();
    else timer ??= setTimeout(() => void flush(), opts.maxWaitMs);
  }

  return {
    report(events) {
      if (events.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        waiting.push({ events, resolve, reject });
        schedule();
      });
    },
  };
}
