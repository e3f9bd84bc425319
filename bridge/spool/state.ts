/**
 * The on-disk form of a spool entry's state (`state/<id>.json`) and its validation. A state file that
 * does not match this schema is unreadable and goes to `corrupt/`.
 */
import { z } from "zod";
import { BridgeEvent, ForwardPlan, PlanRecipient, ReplyPlan } from "../../common/internal-api.js";
import type { SpoolState } from "../mail/types.js";

/** Spool ids: a base-36 millisecond timestamp (sorts by arrival) and 40 random bits. */
export const SPOOL_ID = /^[0-9a-z]{9}-[0-9a-f]{10}$/;

const EnvelopeSchema = z.object({
  mailFrom: z.string(),
  clientIp: z.string(),
  heloName: z.string(),
  receivedAt: z.iso.datetime(),
  receivedBy: z.string(),
});

const TargetSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("forward"), rcptTo: z.string(), plan: ForwardPlan, tokens: z.record(z.string(), z.string()).optional() }),
  z.object({
    kind: z.literal("discard"), rcptTo: z.string(), aliasId: z.string(), userId: z.string(), reason: z.enum(["inactive", "loop"]).optional(),
  }),
  z.object({
    kind: z.literal("reply"), rcptTo: z.string(), plan: ReplyPlan, mode: z.enum(["reply", "send"]), tokens: z.record(z.string(), z.string()),
  }),
  z.object({ kind: z.literal("record"), rcptTo: z.string(), events: z.array(BridgeEvent) }),
  z.object({
    kind: z.literal("notify"), rcptTo: z.string(), outboxId: z.string(), claimToken: z.string(), acked: z.boolean(),
    category: z.string(), userId: z.string().nullable(), aliasId: z.string().nullable(), signingDomain: z.string(), returnPath: z.string(),
  }),
]);

/** Target kinds that have deliveries (the others only produce events). */
export const DELIVERING_KINDS: ReadonlySet<string> = new Set(["forward", "notify", "reply"]);

const DeliverySchema = z.object({
  key: z.string(),
  targetIndex: z.number().int().min(0),
  recipient: PlanRecipient,
  status: z.enum(["pending", "delivered", "failed", "cancelled"]),
  attempts: z.number().int().min(0),
  nextAttemptAt: z.iso.datetime(),
  lastReply: z.string().optional(),
});

export const SpoolStateSchema = z.object({
  id: z.string().regex(SPOOL_ID),
  envelope: EnvelopeSchema,
  targets: z.array(TargetSchema),
  size: z.number().int().min(0),
  deliveries: z.array(DeliverySchema),
  unreported: z.array(BridgeEvent),
  reportAfter: z.iso.datetime().optional(),
}).refine((s) => s.deliveries.every((d) => DELIVERING_KINDS.has(s.targets[d.targetIndex]?.kind ?? "")), {
  message: "a delivery points at a target that delivers nothing",
});

/**
 * Parses a state file's text.
 * @throws Error (JSON or schema) when the file is unreadable; the caller quarantines it
 */
export function parseState(text: string): SpoolState {
  return SpoolStateSchema.parse(JSON.parse(text)) as SpoolState;
}

/** Serialises a state for writing. */
export function serializeState(state: SpoolState): string {
  return JSON.stringify(state);
}

/**
 * When an entry next needs the queue runner, in epoch milliseconds: the earliest of its pending attempts
 * and (when it has unreported events) its next report time; `0` (now) when nothing is left at all, so
 * that it gets removed.
 */
export function dueAt(state: SpoolState): number {
  let next = Infinity;
  if (state.unreported.length > 0) next = state.reportAfter ? Date.parse(state.reportAfter) : 0;
  for (const d of state.deliveries) {
    if (d.status === "pending") next = Math.min(next, Date.parse(d.nextAttemptAt));
  }
  return next === Infinity ? 0 : next;
}
