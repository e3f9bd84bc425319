/**
 * Builders of the events a bridge reports to the Worker (`common/internal-api.ts` BridgeEvent). Pure:
 * ids and times come in as arguments' defaults so the queue can persist an event before reporting it
 * (the Worker applies each id at most once, so a re-sent event is harmless).
 */
import { randomUUID } from "node:crypto";
import type { BridgeEvent, ForwardPlan, PlanRecipient } from "../../common/internal-api.js";
import { parseVerp } from "../../common/verp.js";
import type { DeliveryOutcome, ReplyTarget, SpoolState, Target } from "../mail/types.js";

/** Whom a delivering target's events concern: alias, owner and the kind of mail (F, N, …). */
export interface EventOwner {
  aliasId: string | null;
  userId: string;
  emailType: NonNullable<BridgeEvent["emailType"]>;
}

/**
 * The owner of a target's deliveries, or null when nobody is to be told (an outbox message that
 * concerns no account).
 */
export function ownerOf(target: Target): EventOwner | null {
  switch (target.kind) {
    case "forward": return { aliasId: target.plan.aliasId, userId: target.plan.userId, emailType: "F" };
    case "discard": return { aliasId: target.aliasId, userId: target.userId, emailType: "F" };
    case "notify": return target.userId ? { aliasId: target.aliasId, userId: target.userId, emailType: "N" } : null;
    case "reply": return { aliasId: target.plan.aliasId, userId: target.plan.userId, emailType: target.mode === "send" ? "S" : "R" };
    case "record": return null;
  }
}

/** `blocked`: a message to an inactive alias was accepted and dropped (DESIGN §3 resolve, `discard`). */
export function blockedEvent(target: Extract<Target, { kind: "discard" }>, size: number, now = new Date()): BridgeEvent {
  return { id: randomUUID(), kind: "blocked", aliasId: target.aliasId, userId: target.userId, bytes: size, at: now.toISOString() };
}

/** `forwarded`: the first recipient of a forward target got the message; `bytes` counts towards bandwidth. */
export function forwardedEvent(plan: ForwardPlan, size: number, now = new Date()): BridgeEvent {
  return { id: randomUUID(), kind: "forwarded", aliasId: plan.aliasId, userId: plan.userId, bytes: size, at: now.toISOString() };
}

/**
 * `replied` / `sent`: the owner's message went out from the alias (counted once per message and alias).
 * `outboundId` lets the Worker mark a send as such (resolution cannot tell it from a reply).
 */
export function repliedEvent(target: ReplyTarget, size: number, now = new Date()): BridgeEvent {
  const outboundId = parseVerp(target.plan.returnPath)?.id;
  return {
    id: randomUUID(), kind: target.mode === "send" ? "sent" : "replied", aliasId: target.plan.aliasId, userId: target.plan.userId,
    bytes: size, at: now.toISOString(), ...(outboundId ? { outboundId } : {}),
  };
}

/** Why a message was accepted and not sent, for {@link refusedEvent}. */
export interface Refusal {
  reason: NonNullable<BridgeEvent["reason"]>;
  /** Enhanced status code recorded with it, e.g. `5.7.1`. */
  status: string;
  /** Our explanation (shown to the owner). */
  diagnostic: string;
  emailType: EventOwner["emailType"];
  destination?: string | undefined;
}

/** `refused`: accepted with 250 and deliberately not sent (never a bounce to a possibly forged sender). */
export function refusedEvent(owner: { aliasId: string | null; userId: string }, refusal: Refusal, sender: string, size: number, now = new Date()): BridgeEvent {
  return {
    id: randomUUID(), kind: "refused", aliasId: owner.aliasId, userId: owner.userId, emailType: refusal.emailType, bytes: size,
    at: now.toISOString(), reason: refusal.reason, status: refusal.status, diagnostic: refusal.diagnostic.slice(0, 2000),
    sender: sender || "<>", bounceType: "hard", ...(refusal.destination ? { destination: refusal.destination } : {}),
  };
}

/**
 * `failed`: one recipient will not get the message. `bounceType` is `hard` for a permanent refusal and
 * `soft` for a temporary one that outlived the queue's maximum age.
 */
export function failedEvent(
  state: SpoolState, owner: EventOwner, recipient: PlanRecipient, outcome: DeliveryOutcome, now = new Date(),
): BridgeEvent {
  const event: BridgeEvent = {
    id: randomUUID(),
    kind: "failed",
    aliasId: owner.aliasId,
    userId: owner.userId,
    emailType: owner.emailType,
    bytes: state.size,
    at: now.toISOString(),
    // Only forwards go to recipient rows; other deliveries are keyed by the outbox id or the destination.
    ...(owner.emailType === "F" ? { recipientId: recipient.id } : {}),
    destination: recipient.email,
    sender: state.envelope.mailFrom,
    status: outcome.enhanced ?? (/^(\d{3})/.exec(outcome.reply)?.[1] ?? (outcome.status === "permanent" ? "5.0.0" : "4.0.0")),
    diagnostic: outcome.reply.slice(0, 2000),
    bounceType: outcome.status === "permanent" ? "hard" : "soft",
  };
  if (outcome.remoteMta) event.remoteMta = outcome.remoteMta;
  return event;
}
