/**
 * The first state of a spool entry, decided when the message is accepted: one pending delivery per
 * (forward target, recipient), per outbox message (notify target) and per reply target (its one
 * correspondent), due at once; a `blocked` event per discard target and the prepared events of record
 * targets (nothing is delivered for those; the entry exists only until the events are reported).
 */
import type { Delivery, Envelope, SpoolState, Target } from "../mail/types.js";
import { blockedEvent } from "./events.js";

/**
 * @param id the spool id
 * @param size message size in octets
 * @example initialState(id, envelope, [{ kind: "forward", rcptTo, plan }], raw.length)
 */
export function initialState(id: string, envelope: Envelope, targets: Target[], size: number): SpoolState {
  const deliveries: Delivery[] = [];
  const unreported = [];
  for (const [targetIndex, target] of targets.entries()) {
    if (target.kind === "discard") {
      unreported.push(blockedEvent(target, size, new Date(envelope.receivedAt)));
      continue;
    }
    if (target.kind === "record") {
      unreported.push(...target.events);
      continue;
    }
    const recipients = target.kind === "notify" ? [{ id: target.outboxId, email: target.rcptTo }]
      : target.kind === "reply" ? [{ id: "destination", email: target.plan.destination }]
        : target.plan.recipients;
    for (const recipient of recipients) {
      deliveries.push({
        key: `${targetIndex}:${recipient.id}`,
        targetIndex,
        recipient,
        status: "pending",
        attempts: 0,
        nextAttemptAt: envelope.receivedAt,
      });
    }
  }
  return { id, envelope, targets, size, deliveries, unreported };
}
