/**
 * The hand-off of a Worker-originated message (a notify target): before its first delivery attempt
 * the bridge confirms its claim with the Worker (ack). Only a confirmed claim is delivered; a claim the
 * Worker says is lost (its lease ran out and another bridge claimed the message) is cancelled here, and
 * the other bridge delivers it. This is what makes "spooled by two bridges" still "delivered once".
 */
import type { Logger } from "../log.js";
import type { Delivery, NotifyTarget, OutboxAcker, Spool, SpoolState } from "../mail/types.js";

/**
 * Confirms `target`'s claim and persists the result.
 * @param deliveries the target's due deliveries (all of them: a notify target has one)
 * @param retryMs when the Worker cannot be asked, try again this many milliseconds after `now`
 * @returns true when the deliveries may go ahead now
 */
export async function confirmClaim(
  state: SpoolState, target: NotifyTarget, deliveries: Delivery[],
  deps: { spool: Spool; outbox: OutboxAcker; log: Logger }, now: Date, retryMs: number,
): Promise<boolean> {
  let answer: { acked: string[]; lost: string[] };
  try {
    answer = await deps.outbox.ack([{ id: target.outboxId, claimToken: target.claimToken }]);
  } catch (err) {
    const retryAt = new Date(now.getTime() + retryMs).toISOString();
    for (const d of deliveries) d.nextAttemptAt = retryAt;
    await deps.spool.update(state);
    deps.log.warn({ outboxId: target.outboxId, err: (err as Error).message, retryAt }, "outbox:ack-failed");
    return false;
  }
  if (answer.acked.includes(target.outboxId)) {
    target.acked = true;
    await deps.spool.update(state);
    deps.log.info({ outboxId: target.outboxId }, "outbox:acked");
    return true;
  }
  for (const d of deliveries) d.status = "cancelled";
  await deps.spool.update(state);
  deps.log.info({ outboxId: target.outboxId }, "outbox:claim-lost");
  return false;
}
