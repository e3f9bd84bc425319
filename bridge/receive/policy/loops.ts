/**
 * Loop protection at the end of DATA (issue 3 §6): mail whose envelope sender is our own notification
 * address or one of our VERP return paths is something we sent coming back to an alias; forwarding it
 * would start a circle. Such forwards, the plan's recipients that are our own aliases, and discards the
 * Worker marked as loops become records of `refused` (loop) events: accepted, dropped, the owner told.
 */
import { parseVerp } from "../../../common/verp.js";
import type { Envelope, Target } from "../../mail/types.js";
import { type Refusal, refusedEvent } from "../../pipeline/events.js";

const loop = (destination: string | undefined, diagnostic: string): Refusal =>
  ({ reason: "loop", status: "5.4.6", emailType: "F", diagnostic, destination });

/** Whether the envelope sender is one of ours (the notification address or a VERP return path). */
export function isOurSender(mailFrom: string, notifyAddress: string): boolean {
  return mailFrom.toLowerCase() === notifyAddress.toLowerCase() || parseVerp(mailFrom) !== null;
}

/** @returns the targets with loops turned into records (other targets unchanged) */
export function breakLoops(targets: Target[], envelope: Envelope, notifyAddress: string, size: number): Target[] {
  const ourSender = isOurSender(envelope.mailFrom, notifyAddress);
  return targets.flatMap((t): Target[] => {
    const record = (owner: { aliasId: string; userId: string }, refusals: Refusal[]): Target =>
      ({ kind: "record", rcptTo: t.rcptTo, events: refusals.map((r) => refusedEvent(owner, r, envelope.mailFrom, size)) });
    if (t.kind === "discard" && t.reason === "loop") {
      return [record(t, [loop(undefined, "every recipient of this alias is itself one of our addresses")])];
    }
    if (t.kind !== "forward") return [t];
    if (ourSender) return [record(t.plan, [loop(t.rcptTo, "the message came from our own sending address: forwarding it would loop")])];
    const dropped = t.plan.droppedRecipients ?? [];
    if (dropped.length === 0) return [t];
    return [t, record(t.plan, dropped.map((r) => loop(r.email, "this recipient is itself one of our addresses")))];
  });
}
