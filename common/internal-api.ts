/**
 * The contract between the bridges and the Worker (`/internal/v1`): request and response bodies as zod
 * schemas. Both sides import this module and nothing else of each other's.
 *
 * Every request is signed (see ./bridge-signature.ts). Responses are JSON; a non-2xx response carries
 * `{ error: { code, message } }`.
 */
import { z } from "zod";

/** An SMTP reply to give the sending MTA (RFC 5321 §4.2, enhanced code per RFC 3463). */
export const SmtpReply = z.object({
  code: z.number().int().min(200).max(599),
  enhanced: z.string().regex(/^[245]\.\d{1,3}\.\d{1,3}$/),
  message: z.string(),
});
export type SmtpReply = z.infer<typeof SmtpReply>;

/** `POST /internal/v1/resolve` body: one RCPT TO of one SMTP transaction. */
export const ResolveRequest = z.object({
  /** Envelope sender (MAIL FROM); `""` for the null sender `<>`. */
  mailFrom: z.string().max(512),
  /** Envelope recipient (RCPT TO), as given by the client. */
  rcptTo: z.string().min(3).max(512),
  /** The sending MTA's IP address. */
  clientIp: z.string().max(64),
});
export type ResolveRequest = z.infer<typeof ResolveRequest>;

/**
 * One real mailbox a forward goes to. `returnPath` is the VERP address naming this copy (DESIGN §4);
 * absent in plans made before VERP existed.
 */
export const PlanRecipient = z.object({ id: z.string(), email: z.string(), returnPath: z.string().optional() });
export type PlanRecipient = z.infer<typeof PlanRecipient>;

/**
 * An alias address as plans carry it: lower case, a plain local part (no `+`, which starts the reverse
 * alias and sub-address forms; RFC 5321 §4.1.2 dot-atom) and a domain. The bridge refuses (451) a plan
 * whose alias it could not rewrite, rather than accepting mail it would then fail to forward.
 */
export const AliasAddress = z.string().regex(/^[a-z0-9._-]{1,64}@[a-z0-9.-]{1,253}$/, "an alias address with a plain local part");

/**
 * What the bridge needs to forward mail for one alias, computed once at RCPT time.
 * Display settings follow addy.io's names (see the shared reference).
 */
export const ForwardPlan = z.object({
  aliasId: z.string(),
  /** The alias address as stored (lower case). */
  aliasEmail: AliasAddress,
  userId: z.string(),
  recipients: z.array(PlanRecipient).min(1),
  /** `d=` of our DKIM signature: the custom domain, or the shared domain for `*@<username>.<shared>`. */
  signingDomain: z.string(),
  display: z.object({
    /** addy.io `display_from_format` 0–7. */
    fromFormat: z.number().int().min(0).max(7),
    bannerLocation: z.enum(["top", "bottom", "off"]),
    useReplyTo: z.boolean(),
    aliasDescription: z.string().nullable(),
    /** The product name the banner says forwarded the mail (APP_NAME); absent in older plans: `Veilmail`. */
    appName: z.string().optional(),
    /**
     * The banner's one-click "Deactivate this alias" link: `<APP_URL>` + {@link DEACTIVATE_PATH} + a signed,
     * expiring token naming this alias (worker/accounts/deactivate-links.ts). Absent in older plans: the
     * banner then has no link. Both fields are checked where they are used (bridge/transform/banner.ts),
     * not here: a plan the bridge cannot parse defers the mail, and a banner detail is no reason for that.
     */
    deactivateUrl: z.string().optional(),
  }),
  /**
   * Recipients left out because their address is itself one of our aliases (a forwarding loop): the
   * bridge records each and the owner is told; nothing is sent to them.
   */
  droppedRecipients: z.array(PlanRecipient).optional(),
});
export type ForwardPlan = z.infer<typeof ForwardPlan>;

/**
 * Path prefix of the banner's deactivate links (`<APP_URL>/deactivate/<token>`): the Worker serves it
 * (worker/web/pages/deactivate.tsx) and the reply scrubber removes any link to it from quoted text, so an
 * owner's reply never hands the correspondent a way to switch the alias off.
 */
export const DEACTIVATE_PATH = "/deactivate/";

/**
 * What the bridge needs for mail from the owner to a reverse alias (a reply, or a send when the message
 * has no In-Reply-To; the two share the address form, so the bridge tells them apart at DATA).
 */
export const ReplyPlan = z.object({
  aliasId: z.string(),
  aliasEmail: AliasAddress,
  userId: z.string(),
  /** The correspondent the reverse alias stands for (the real address it goes to). */
  destination: z.string(),
  /** Display name for From: the alias's, else the username's, the custom domain's or the account's. */
  fromName: z.string().nullable(),
  /** `d=` of our DKIM signature (alias domain, or the shared domain for username subdomains). */
  signingDomain: z.string(),
  /** Lower-case addresses allowed to reply/send: the owner's verified recipients with `can_reply_send`. */
  allowedSenders: z.array(z.string()),
  /** Every address of the owner's recipients (verified or not): scrubbed from what goes out. */
  ownerAddresses: z.array(z.string()),
  /** VERP return path naming this outbound message. */
  returnPath: z.string(),
  /**
   * Present when the owner's plan's replies + sends per day are used up: the bridge accepts the message
   * from the owner, does not send it, and reports a `refused` event with reason `reply-limit`.
   */
  limitReached: z.object({ perDay: z.number().int().min(0), used: z.number().int().min(0) }).optional(),
});
export type ReplyPlan = z.infer<typeof ReplyPlan>;

/** What a VERP address stands for: the outbound message that bounced (or got an auto-reply). */
export const BounceInfo = z.object({
  outboundId: z.string(),
  emailType: z.enum(["F", "R", "S", "N"]),
  aliasId: z.string().nullable(),
  userId: z.string().nullable(),
  recipientId: z.string().nullable(),
  /** Where the bounced message had gone. */
  destination: z.string(),
});
export type BounceInfo = z.infer<typeof BounceInfo>;

/**
 * Maintenance mode as the Worker holds it (`npm run admin -- maintenance:on [--minutes N]`): while `on`,
 * both bridges answer `451 4.3.2` at RCPT and hold their queues. `until` (ISO 8601) ends it by itself.
 */
export const MaintenanceState = z.object({ on: z.boolean(), until: z.iso.datetime().nullable() });
export type MaintenanceState = z.infer<typeof MaintenanceState>;

/**
 * `POST /internal/v1/heartbeat` body: a bridge's health, every HEARTBEAT_INTERVAL (30 s). The bridge's
 * name comes from its request signature. Counters cover the time since the previous acknowledged beat.
 */
export const HeartbeatRequest = z.object({
  role: z.enum(["primary", "backup"]),
  version: z.string().min(1).max(64),
  hostname: z.string().min(1).max(253),
  /** ISO 8601 start of this bridge process. */
  startedAt: z.iso.datetime(),
  queueDepth: z.number().int().min(0),
  /** Age of the oldest queued message in seconds; null when the queue is empty. */
  oldestQueuedSeconds: z.number().int().min(0).nullable(),
  /**
   * Seconds the most overdue queue entry has waited past its due time (0: the queue runner keeps up;
   * deferred mail waiting for its next retry is not overdue). The status page calls a queue stuck when
   * this exceeds 5 minutes while nothing is delivered.
   */
  overdueSeconds: z.number().int().min(0),
  /** Recipients delivered since the previous acknowledged beat. */
  deliveries: z.number().int().min(0),
  /** Delivery attempts that did not deliver (deferred or failed) since the previous acknowledged beat. */
  failures: z.number().int().min(0),
  /** The bridge believes maintenance mode is on and holds its queue. */
  holding: z.boolean(),
});
export type HeartbeatRequest = z.infer<typeof HeartbeatRequest>;

/** `POST /internal/v1/heartbeat` response: what the bridge must know even when it receives no mail. */
export const HeartbeatResponse = z.object({ maintenance: MaintenanceState });
export type HeartbeatResponse = z.infer<typeof HeartbeatResponse>;

/** `POST /internal/v1/resolve` response. */
export const ResolveResponse = z.discriminatedUnion("action", [
  z.object({ action: z.literal("forward"), reply: SmtpReply, plan: ForwardPlan }),
  z.object({
    action: z.literal("discard"), reply: SmtpReply, aliasId: z.string(), userId: z.string(),
    /** `loop`: every recipient is one of our own aliases; the bridge records it and the owner is told. */
    reason: z.enum(["inactive", "loop"]).optional(),
  }),
  z.object({ action: z.literal("reply"), reply: SmtpReply, plan: ReplyPlan }),
  /**
   * A VERP address of ours: a DSN is recorded as a failed delivery; anything else (an auto-reply) is
   * forwarded with `plan` like mail to the alias, or dropped when `plan` is null.
   */
  z.object({ action: z.literal("bounce"), reply: SmtpReply, bounce: BounceInfo, plan: ForwardPlan.nullable() }),
  z.object({ action: z.literal("reject"), reply: SmtpReply }),
  /** `maintenance` is set when the deferral is maintenance mode (the bridge then also holds its queue). */
  z.object({ action: z.literal("defer"), reply: SmtpReply, maintenance: MaintenanceState.optional() }),
]);
export type ResolveResponse = z.infer<typeof ResolveResponse>;
export type ResolveAction = ResolveResponse["action"];

/**
 * Kinds of event a bridge reports: `forwarded`, `replied`, `sent` (counters), `blocked` (inactive alias),
 * `failed` (our delivery gave up), `bounced` (a DSN came back to a VERP address), `refused` (accepted and
 * not sent: a reply that did not authenticate, a To/Cc that is no reverse alias, a loop).
 */
export const EventKind = z.enum(["forwarded", "replied", "sent", "blocked", "failed", "bounced", "refused"]);
export type EventKind = z.infer<typeof EventKind>;

/** One thing a bridge did with one message for one alias (and, for deliveries, one recipient). */
export const BridgeEvent = z.object({
  /** UUID chosen by the bridge; the Worker applies each id at most once. */
  id: z.uuid(),
  kind: EventKind,
  /** Null for mail that concerns no alias (an account notification). */
  aliasId: z.string().nullable(),
  userId: z.string(),
  /** Which mail it was about: `F` forward (the default), `R` reply, `S` send, `N` our own notification. */
  emailType: z.enum(["F", "R", "S", "N"]).optional(),
  /** Size of the message in octets (forwarded: counts towards bandwidth). */
  bytes: z.number().int().min(0),
  /** ISO 8601 time the bridge did it. */
  at: z.iso.datetime(),
  /** For `failed`: which recipient, the remote reply, and its class. */
  recipientId: z.string().optional(),
  destination: z.string().optional(),
  sender: z.string().optional(),
  remoteMta: z.string().optional(),
  status: z.string().optional(),
  diagnostic: z.string().max(2000).optional(),
  bounceType: z.enum(["hard", "soft", "spam"]).optional(),
  /** For `bounced`: the outbound message its VERP address named. */
  outboundId: z.string().optional(),
  /** For `refused`: why (`unauthenticated`, `sender-not-allowed`, `not-reverse-alias`, `loop`, `reply-limit`: the plan's daily replies + sends). */
  reason: z.enum(["unauthenticated", "sender-not-allowed", "not-reverse-alias", "loop", "reply-limit"]).optional(),
});
export type BridgeEvent = z.infer<typeof BridgeEvent>;

/**
 * `POST /internal/v1/reverse-aliases` body: token-form reverse aliases to issue (`encode`: for senders
 * whose plain form does not fit, see common/reverse-alias.ts `needsToken`) and to look up (`decode`).
 */
export const ReverseAliasesRequest = z.object({
  encode: z.array(z.object({ aliasId: z.string().max(64), sender: z.string().min(3).max(320) })).max(100).default([]),
  decode: z.array(z.string().min(3).max(320)).max(100).default([]),
});
export type ReverseAliasesRequest = z.input<typeof ReverseAliasesRequest>;

/** `POST /internal/v1/reverse-aliases` response; `sender` null: no such token. */
export const ReverseAliasesResponse = z.object({
  encoded: z.array(z.object({ aliasId: z.string(), sender: z.string(), address: z.string() })),
  decoded: z.array(z.object({ address: z.string(), aliasId: z.string().nullable(), sender: z.string().nullable() })),
});
export type ReverseAliasesResponse = z.infer<typeof ReverseAliasesResponse>;

/** `POST /internal/v1/events` body. */
export const EventsRequest = z.object({ events: z.array(BridgeEvent).min(1).max(500) });
export type EventsRequest = z.infer<typeof EventsRequest>;

/** `POST /internal/v1/events` response: how many were new (the rest were repeats). */
export const EventsResponse = z.object({ applied: z.number().int(), duplicates: z.number().int() });
export type EventsResponse = z.infer<typeof EventsResponse>;

/**
 * `POST /internal/v1/outbox/claim` body: lease up to `limit` queued messages (or ones whose lease ran out)
 * for `leaseSeconds`. The bridge must spool each and acknowledge it with its claim token before the lease
 * ends; after that another bridge may claim it, and only the holder of the latest token can acknowledge.
 */
export const OutboxClaimRequest = z.object({
  limit: z.number().int().min(1).max(100),
  leaseSeconds: z.number().int().min(10).max(3600),
  /** The no-reply address's domain: the Worker issues each message a VERP return path there. */
  verpDomain: z.string().max(253).optional(),
});
export type OutboxClaimRequest = z.infer<typeof OutboxClaimRequest>;

/** One Worker-originated message, as claimed. */
export const OutboxMessage = z.object({
  id: z.string(),
  /** Proof of this claim; `ack` must quote it. */
  claimToken: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string().nullable(),
  /** `verification`, `password_reset`, `notification`, `newsletter`, `alert`. */
  category: z.string(),
  userId: z.string().nullable(),
  aliasId: z.string().nullable(),
  /** ISO 8601 time it was queued (the message's Date). */
  createdAt: z.iso.datetime(),
  /** The envelope sender to use (a VERP address naming this message, DESIGN §4). */
  returnPath: z.string().nullable().default(null),
});
export type OutboxMessage = z.infer<typeof OutboxMessage>;

/** `POST /internal/v1/outbox/claim` response, oldest first. */
export const OutboxClaimResponse = z.object({ messages: z.array(OutboxMessage) });
export type OutboxClaimResponse = z.infer<typeof OutboxClaimResponse>;

/** `POST /internal/v1/outbox/ack` body: messages this bridge now holds durably. */
export const OutboxAckRequest = z.object({
  items: z.array(z.object({ id: z.string().max(64), claimToken: z.string().max(64) })).min(1).max(100),
});
export type OutboxAckRequest = z.infer<typeof OutboxAckRequest>;

/**
 * `POST /internal/v1/outbox/ack` response: `acked` are the caller's to deliver (repeating an ack is fine);
 * `lost` were claimed by another bridge since (or never existed): the caller must not deliver them.
 */
export const OutboxAckResponse = z.object({ acked: z.array(z.string()), lost: z.array(z.string()) });
export type OutboxAckResponse = z.infer<typeof OutboxAckResponse>;
