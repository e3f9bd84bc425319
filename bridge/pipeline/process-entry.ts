/**
 * The composer for one spool entry (maddy's msgpipeline, Postfix's qmgr for one queue file): for each
 * delivering target with due deliveries (forward; notify, after its outbox claim is confirmed, see
 * ./claim.ts), transform and sign once, send to each due recipient, record each
 * outcome and persist it before the next send; then report the entry's events; then remove the entry
 * when nothing is pending or unreported. Stages never call each other; only this module calls them.
 *
 * Exactly-once: the state on disk says which recipients already have the message, and it is updated
 * (fsync'd) right after each attempt, before anything else. After a crash at any point, recovery
 * resumes from that state. The one window where a recipient can get the message twice is between the
 * remote server's 250 and the end of our state write that follows it (a few milliseconds: one JSON
 * write, one fsync, one rename, one directory fsync); no other work is allowed in between.
 */
import type { Logger } from "../log.js";
import { forMessage } from "../log.js";
import { MailError, toMailError } from "../mail/errors.js";
import type { Delivery, DeliveryOutcome, MessageParts, OutboxAcker, Reporter, Signer, Spool, SpoolState, Transport } from "../mail/types.js";
import { returnPathFor } from "../deliver/return-path.js";
import type { RetrySchedule } from "../spool/schedule.js";
import { applyOutcome } from "./apply-outcome.js";
import { confirmClaim } from "./claim.js";
import { prepareTarget } from "./prepare.js";

export interface PipelineDeps {
  spool: Spool;
  transport: Transport;
  reporter: Reporter;
  signer: Signer;
  /** Confirms outbox claims before their first delivery (bridge/pipeline/claim.ts). */
  outbox: OutboxAcker;
  schedule: RetrySchedule;
  log: Logger;
  /** The clock; injectable for tests. */
  now?: () => Date;
}

const replyOf = (err: MailError): DeliveryOutcome => ({
  status: err.temporary ? "temporary" : "permanent",
  reply: `${err.smtpCode} ${err.enhanced} ${err.publicMessage}`,
  enhanced: err.enhanced,
});

/**
 * Processes one due entry (see the file header).
 * @param signal when aborted, no new send starts (the one in progress finishes and is recorded)
 * @param release called when the sends are over and only reporting is left (the queue runner's delivery
 *   slot, ./queue-runner.ts)
 * @throws only when the spool cannot be written; the entry stays as last persisted and is retried
 */
export async function processEntry(state: SpoolState, deps: PipelineDeps, signal?: AbortSignal, release?: () => void): Promise<void> {
  const clock = deps.now ?? (() => new Date());
  const log = forMessage(deps.log, state.id);
  if (await deliverDue(state, deps, log, clock, signal) === "quarantined") return;

  // The message and what was made of it are out of scope here: an entry waiting for the Worker to
  // acknowledge its events (up to concurrency x 16 of them) holds none of its bytes.
  release?.();
  await reportEvents(state, deps, log, clock);

  if (!state.deliveries.some((d) => d.status === "pending") && state.unreported.length === 0) {
    await deps.spool.remove(state.id);
    log.info({}, "spool:done");
  }
}

/**
 * The sends of one entry: each due delivery, target by target (transform and sign once per target),
 * every outcome persisted before the next send.
 * @returns "quarantined" when the message file is gone (the entry was set aside)
 */
async function deliverDue(
  state: SpoolState, deps: PipelineDeps, log: Logger, clock: () => Date, signal?: AbortSignal,
): Promise<"done" | "quarantined"> {
  const started = clock().getTime();
  const due = state.deliveries.filter((d) => d.status === "pending" && Date.parse(d.nextAttemptAt) <= started);

  if (due.length > 0) {
    let raw: Buffer;
    try {
      raw = await deps.spool.readMessage(state.id);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") {
        await deps.spool.quarantine(state.id, "message file missing");
        return "quarantined";
      }
      throw err;
    }
    const byTarget = new Map<number, Delivery[]>();
    for (const d of due) byTarget.set(d.targetIndex, [...(byTarget.get(d.targetIndex) ?? []), d]);

    for (const [targetIndex, deliveries] of byTarget) {
      if (signal?.aborted) break;
      const target = state.targets[targetIndex]!;
      if (target.kind === "notify" && !target.acked
        && !await confirmClaim(state, target, deliveries, { ...deps, log }, clock(), deps.schedule.reportRetryMs)) continue;
      let message: MessageParts;
      try {
        message = await prepareTarget(raw, target, state.envelope, deps.signer, clock());
      } catch (err) {
        // A permanent transform/sign error fails these recipients now; a temporary one is retried
        // on the schedule and fails at the maximum age. Either way the entry cannot loop forever.
        const mailError = toMailError("transform", err);
        log.error({ stage: mailError.stage, err: mailError.message, temporary: mailError.temporary }, `${mailError.stage}:failed`);
        for (const d of deliveries) applyOutcome(state, d, replyOf(mailError), clock(), deps.schedule);
        await deps.spool.update(state);
        continue;
      }
      for (const delivery of deliveries) {
        if (signal?.aborted) break;
        const from = returnPathFor(target, delivery);
        const outcome = await deps.transport.send(message, { from, to: delivery.recipient.email });
        // --- duplicate window opens (remote has the message, our state does not say so yet) ---
        const status = applyOutcome(state, delivery, outcome, clock(), deps.schedule);
        await deps.spool.update(state);
        // --- duplicate window closed ---
        const fields = { delivery: delivery.key, attempts: delivery.attempts, reply: outcome.reply, bytes: message.size };
        if (status === "delivered") log.info(fields, "deliver:delivered");
        else if (status === "failed") log.warn(fields, "deliver:failed");
        else log.info({ ...fields, nextAttemptAt: delivery.nextAttemptAt }, "deliver:deferred");
      }
    }
  }
  return "done";
}

/** Reports the entry's unreported events when their time has come; on failure keeps them and backs off. */
async function reportEvents(state: SpoolState, deps: PipelineDeps, log: Logger, clock: () => Date): Promise<void> {
  if (state.unreported.length === 0) return;
  if (state.reportAfter && Date.parse(state.reportAfter) > clock().getTime()) return;
  const events = state.unreported;
  try {
    await deps.reporter.report(events);
  } catch (err) {
    state.reportAfter = new Date(clock().getTime() + deps.schedule.reportRetryMs).toISOString();
    await deps.spool.update(state);
    log.warn({ err: (err as Error).message, events: events.length, retryAt: state.reportAfter }, "report:failed");
    return;
  }
  state.unreported = state.unreported.slice(events.length);
  delete state.reportAfter;
  log.info({ events: events.map((e) => e.kind) }, "report:sent");
  // When the entry is finished it is removed next; persisting the cleared list first would only cost an
  // fsync (a crash in between re-sends the events, which the Worker ignores by id).
  if (state.deliveries.some((d) => d.status === "pending")) await deps.spool.update(state);
}
