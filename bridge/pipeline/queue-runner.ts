/**
 * The queue runner: finds due spool entries and processes them with bounded concurrency. It scans the
 * spool every `pollMs`, and at once when woken (after each put). Entries it already holds (queued or
 * being processed) are skipped by the scan, so an entry is never processed twice at the same time.
 *
 * `concurrency` bounds the entries that are delivering (SMTP connections to recipients' servers). An
 * entry whose sends are done calls `release()` and then only waits for the Worker to acknowledge its
 * events: it keeps its place in `active` (so no scan picks it up again) but no longer holds a delivery
 * slot, so a slow Worker does not slow delivery. At most `concurrency × 16` entries are in progress.
 * An entry that throws (spool write failure) is logged and left for the next scan; the loop never dies.
 * While `held()` is true (maintenance mode) nothing new is started: entries stay in the spool, and the
 * caller wakes the runner when the hold ends.
 */
import type { Logger } from "../log.js";
import type { Spool, SpoolState } from "../mail/types.js";

export interface QueueRunnerOptions {
  spool: Spool;
  /**
   * Processes one entry; receives the runner's stop signal and `release`, which it calls once its sends
   * are over (before reporting) to give its delivery slot to the next entry. Calling it again is a no-op.
   */
  process: (state: SpoolState, signal: AbortSignal, release: () => void) => Promise<void>;
  concurrency: number;
  /**
   * Bounds the message octets (SpoolState.size) of the entries delivering at once, so that many large
   * messages do not all sit in memory together; an entry larger than this still goes, alone. Default: no bound.
   */
  maxDeliveringBytes?: number;
  pollMs: number;
  log: Logger;
  /** When true, start nothing (maintenance mode holds spooled mail); default never. */
  held?: () => boolean;
}

export interface QueueRunner {
  /** Starts polling (and runs a first scan). */
  start(): void;
  /** Scans now (e.g. right after a put); does nothing before `start()` or after `stop()`. */
  wake(): void;
  /** Stops scanning, lets the entries in progress finish their current send, and resolves when all have. */
  stop(): Promise<void>;
}

/**
 * @example const runner = createQueueRunner({ spool, process: (s, sig) => processEntry(s, deps, sig), concurrency: 8, pollMs: 5000, log }); runner.start()
 */
export function createQueueRunner(options: QueueRunnerOptions): QueueRunner {
  const { spool, concurrency, log } = options;
  const onHold = options.held ?? (() => false);
  const lookahead = concurrency * 4;
  const maxActive = concurrency * 16;
  const maxBytes = options.maxDeliveringBytes ?? Infinity;
  /** Entries holding a delivery slot (a subset of `active`), and their message octets. */
  let delivering = 0;
  let deliveringBytes = 0;
  /** Room for the next entry's bytes: always when nothing is delivering (a large entry goes alone). */
  const bytesAllow = (next: SpoolState) => delivering === 0 || deliveringBytes + next.size <= maxBytes;
  const queue: SpoolState[] = [];
  const held = new Set<string>();
  const active = new Map<string, Promise<void>>();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let scanning = false;
  let scanAgain = false;
  let started = false;
  let stopped = false;

  function pump(): void {
    while (!stopped && !onHold() && delivering < concurrency && active.size < maxActive && queue.length > 0 && bytesAllow(queue[0]!)) {
      const state = queue.shift()!;
      let slot = true;
      delivering++;
      deliveringBytes += state.size;
      /** Gives the delivery slot back once; true when this call did. */
      const freeSlot = (): boolean => {
        if (!slot) return false;
        slot = false;
        delivering--;
        deliveringBytes -= state.size;
        return true;
      };
      const release = () => {
        if (freeSlot()) pump();
      };
      const run = options.process(state, abort.signal, release)
        .catch((err: Error) => log.error({ spoolId: state.id, err: err.message }, "queue:entry-failed"))
        .finally(() => {
          freeSlot();
          active.delete(state.id);
          held.delete(state.id);
          pump();
          // The last scan may have left due entries behind (look-ahead limit): fetch more.
          if (queue.length === 0 && moreDue) wake();
        });
      active.set(state.id, run);
    }
  }

  let moreDue = false;
  async function scan(): Promise<void> {
    const room = lookahead - queue.length;
    if (room <= 0) return;
    const states = await spool.due(new Date(), { skip: held, limit: room });
    moreDue = states.length >= room;
    for (const state of states) {
      if (held.has(state.id)) continue;
      held.add(state.id);
      queue.push(state);
    }
    pump();
  }

  function wake(): void {
    if (!started || stopped || onHold()) return;
    if (scanning) {
      scanAgain = true;
      return;
    }
    scanning = true;
    scan()
      .catch((err: Error) => log.error({ err: err.message }, "queue:scan-failed"))
      .finally(() => {
        scanning = false;
        if (scanAgain) {
          scanAgain = false;
          wake();
        }
      });
  }

  return {
    start() {
      if (timer || stopped) return;
      started = true;
      timer = setInterval(wake, options.pollMs);
      wake();
    },
    wake,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      abort.abort();
      queue.length = 0;
      await Promise.all(active.values());
    },
  };
}
