/**
 * Report stage: hands events to the Worker (`POST /internal/v1/events`, signed). Each event carries a
 * UUID the Worker applies at most once, so the queue re-sends unacknowledged events without double counting.
 */
import { EventsRequest } from "../../common/internal-api.js";
import type { Reporter } from "../mail/types.js";
import type { PostSigned } from "../worker-client.js";

export const EVENTS_PATH = "/internal/v1/events";

/** Events per request (the contract allows 1–500). */
export const MAX_EVENTS_PER_REQUEST = 500;

/**
 * @param timeoutMs per request, milliseconds
 * @throws Error on a network failure, a timeout or a non-2xx answer (the caller keeps the events and retries)
 * @example await createWorkerReporter(post, 10_000).report(state.unreported)
 */
export function createWorkerReporter(post: PostSigned, timeoutMs: number): Reporter {
  return {
    async report(events) {
      for (let i = 0; i < events.length; i += MAX_EVENTS_PER_REQUEST) {
        const body = EventsRequest.parse({ events: events.slice(i, i + MAX_EVENTS_PER_REQUEST) });
        const res = await post(EVENTS_PATH, body, timeoutMs);
        if (res.status < 200 || res.status > 299) {
          throw new Error(`events refused: HTTP ${res.status}${res.status === 401 ? " (check BRIDGE_SECRET / NODE_NAME)" : ""}`);
        }
      }
    },
  };
}
