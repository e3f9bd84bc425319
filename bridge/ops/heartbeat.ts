/**
 * The bridge's heartbeat (`POST /internal/v1/heartbeat`, signed) every HEARTBEAT_INTERVAL (30 s), and
 * once at start: name (from the signature), role, version, queue depth, age of the oldest queued
 * message, how overdue the queue is, deliveries and failures since the last acknowledged beat. The answer
 * carries maintenance mode, which the gate takes (so the queue is held even when no mail arrives).
 * A failed beat is logged and its counts roll into the next one; the loop never stops on errors.
 */
import { type HeartbeatRequest, HeartbeatResponse } from "../../common/internal-api.js";
import type { Logger } from "../log.js";
import type { PostSigned } from "../worker-client.js";
import type { MaintenanceGate } from "./maintenance-gate.js";
import type { DeliveryTally } from "./observer.js";

export const HEARTBEAT_PATH = "/internal/v1/heartbeat";

/** Queue figures at the time of a beat (from the spool). */
export interface QueueFigures {
  depth: number;
  oldestReceivedAt: string | null;
  /** Earliest due time of any entry (ISO 8601), null when none is waiting. */
  oldestDueAt: string | null;
}

export interface HeartbeatOptions {
  post: PostSigned;
  intervalMs: number;
  timeoutMs: number;
  identity: Pick<HeartbeatRequest, "role" | "version" | "hostname" | "startedAt">;
  queue: () => Promise<QueueFigures>;
  tally: DeliveryTally;
  gate: MaintenanceGate;
  log: Logger;
}

export interface Heartbeat {
  /** Sends one beat now; resolves true when the Worker acknowledged it. Never throws. */
  beat(): Promise<boolean>;
  /** Beats now and then every `intervalMs`. */
  start(): void;
  stop(): void;
}

const seconds = (fromIso: string | null, now: number) => (fromIso ? Math.max(0, Math.floor((now - Date.parse(fromIso)) / 1000)) : null);

/**
 * @example const hb = createHeartbeat({ post, intervalMs: 30_000, timeoutMs: 10_000, identity, queue, tally, gate, log }); hb.start()
 */
export function createHeartbeat(options: HeartbeatOptions): Heartbeat {
  const { post, log, tally, gate } = options;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let started = false;
  let inFlight: Promise<boolean> | undefined;

  async function send(): Promise<boolean> {
    const counts = tally.peek();
    try {
      const queue = await options.queue();
      const now = Date.now();
      const body: HeartbeatRequest = {
        ...options.identity,
        queueDepth: queue.depth,
        oldestQueuedSeconds: seconds(queue.oldestReceivedAt, now),
        overdueSeconds: seconds(queue.oldestDueAt, now) ?? 0,
        ...counts,
        holding: gate.active(),
      };
      const res = await post(HEARTBEAT_PATH, body, options.timeoutMs);
      const answer = HeartbeatResponse.safeParse(res.body);
      if (res.status < 200 || res.status > 299 || !answer.success) {
        log.warn({ status: res.status }, "heartbeat:refused");
        return false;
      }
      tally.commit(counts);
      gate.set(answer.data.maintenance, "heartbeat");
      log.debug({ queueDepth: body.queueDepth, ...counts }, "heartbeat:sent");
      return true;
    } catch (err) {
      log.warn({ err: (err as Error).message }, "heartbeat:failed");
      return false;
    }
  }

  const beat = () => {
    inFlight ??= send().finally(() => { inFlight = undefined; });
    return inFlight;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => { void beat().finally(schedule); }, options.intervalMs);
    timer.unref();
  };

  return {
    beat,
    start() {
      if (started || stopped) return;
      started = true;
      void beat().finally(schedule);
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
