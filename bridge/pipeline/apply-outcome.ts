/**
 * The bookkeeping after one delivery attempt, as a pure function over the entry's state: the
 * delivery's new status, its next attempt time, and the events it produces. The caller persists the
 * state before anything else happens.
 */
import type { Delivery, DeliveryOutcome, SpoolState } from "../mail/types.js";
import { isExpired, nextAttemptAt, type RetrySchedule } from "../spool/schedule.js";
import { failedEvent, forwardedEvent, ownerOf, repliedEvent } from "./events.js";

/**
 * Records `outcome` for `delivery` (which must belong to `state`), mutating `state`:
 * - delivered: status `delivered`; the first delivered recipient of a forward target adds a `forwarded`
 *   event (one per alias and message, with the message size as bytes); the first delivered reply target
 *   of an alias adds a `replied` or `sent` event (a reply-all to two correspondents is one reply);
 * - permanent, or temporary when the message is older than the schedule's maximum age: status
 *   `failed` and a `failed` event (`hard` / `soft`) when the target has an owner to tell;
 * - temporary otherwise: stays `pending`, next attempt per the schedule.
 * @returns the delivery's new status
 */
export function applyOutcome(
  state: SpoolState, delivery: Delivery, outcome: DeliveryOutcome, now: Date, schedule: RetrySchedule,
): Delivery["status"] {
  const target = state.targets[delivery.targetIndex];
  if (!target || target.kind === "discard" || target.kind === "record") throw new Error(`delivery ${delivery.key} has no delivering target`);
  delivery.attempts += 1;
  delivery.lastReply = outcome.reply.slice(0, 1000);
  if (outcome.status === "delivered") {
    const first = !state.deliveries.some((d) => d.targetIndex === delivery.targetIndex && d.status === "delivered");
    delivery.status = "delivered";
    if (first && target.kind === "forward") state.unreported.push(forwardedEvent(target.plan, state.size, now));
    if (target.kind === "reply" && !aliasReplyDelivered(state, target.plan.aliasId, delivery)) {
      state.unreported.push(repliedEvent(target, state.size, now));
    }
  } else if (outcome.status === "permanent" || isExpired(schedule, state.envelope.receivedAt, now)) {
    delivery.status = "failed";
    const owner = ownerOf(target);
    if (owner) state.unreported.push(failedEvent(state, owner, delivery.recipient, outcome, now));
  } else {
    delivery.nextAttemptAt = nextAttemptAt(schedule, delivery.attempts, now).toISOString();
  }
  return delivery.status;
}

/** Whether another reply target of the same alias in this entry was already delivered. */
function aliasReplyDelivered(state: SpoolState, aliasId: string, except: Delivery): boolean {
  return state.deliveries.some((d) => {
    if (d === except || d.status !== "delivered") return false;
    const t = state.targets[d.targetIndex];
    return t?.kind === "reply" && t.plan.aliasId === aliasId;
  });
}
