/**
 * The bridge's stage contracts. Each stage is a small module implementing one of these; the composer
 * (bridge/pipeline) calls them in order and stages never call each other. The spool file is the only
 * persistence boundary.
 *
 *   receive → resolve → spool → transform → sign → deliver → report
 */
import type {
  BounceInfo, BridgeEvent, ForwardPlan, PlanRecipient, ReplyPlan, ResolveRequest, ResolveResponse,
} from "../../common/internal-api.js";

/** The SMTP envelope of one received message. */
export interface Envelope {
  /** MAIL FROM, `""` for the null sender. */
  mailFrom: string;
  clientIp: string;
  /** The EHLO/HELO name the client gave. */
  heloName: string;
  /** When our 250 was given, ISO 8601. */
  receivedAt: string;
  /** Our host name (HOSTNAME, e.g. `mx1.example.net`): the `by` of our Received header (RFC 5321 §4.4). */
  receivedBy: string;
}

/** A message the Worker queued in its outbox (bridge/outbox), held by this bridge under a claim. */
export interface NotifyTarget {
  kind: "notify";
  /** The one mailbox it goes to. */
  rcptTo: string;
  outboxId: string;
  claimToken: string;
  /** True once the Worker confirmed the claim (ack): only then may it be delivered. */
  acked: boolean;
  category: string;
  userId: string | null;
  aliasId: string | null;
  /** DKIM `d=`: the no-reply address's domain. */
  signingDomain: string;
  /** Envelope sender for delivery. */
  returnPath: string;
}

/** Mail from the owner to a reverse alias, to go out from the alias to `plan.destination`. */
export interface ReplyTarget {
  kind: "reply";
  rcptTo: string;
  plan: ReplyPlan;
  /** Decided at DATA: `reply` when the message has an In-Reply-To, else `send`. */
  mode: "reply" | "send";
  /** Token-form reverse aliases found in To/Cc (lower case) → the correspondent, looked up at DATA. */
  tokens: Record<string, string>;
}

/** Nothing to deliver, only events to report (a DSN, a refused reply, a loop), made at DATA. */
export interface RecordTarget {
  kind: "record";
  rcptTo: string;
  events: BridgeEvent[];
}

/** One accepted RCPT TO and what the Worker said to do with it (or one outbox message). */
export type Target =
  | {
    kind: "forward"; rcptTo: string; plan: ForwardPlan;
    /** Token-form reverse aliases (sender, lower case → address) for senders whose plain form does not fit. */
    tokens?: Record<string, string>;
  }
  | { kind: "discard"; rcptTo: string; aliasId: string; userId: string; reason?: "inactive" | "loop" }
  | NotifyTarget
  | ReplyTarget
  | RecordTarget;

/** A VERP address of ours at RCPT time; at DATA it becomes a record (a DSN), a forward or nothing. */
export interface BounceTarget {
  kind: "bounce";
  rcptTo: string;
  bounce: BounceInfo;
  plan: ForwardPlan | null;
}

/** What the receive stage collects during RCPT, before the end-of-DATA policy turns it into Targets. */
export type RcptTarget = Target | BounceTarget;

/**
 * Resolve stage: who is this recipient? (maddy's `module.Table`.)
 * Implementations throw a temporary MailError (`451 4.3.0`) when they cannot answer; they never answer
 * `reject` because of an outage.
 */
export interface AliasDirectory {
  resolve(req: ResolveRequest): Promise<ResolveResponse>;
}

/** Delivery state of one (target, recipient) pair, kept in the spool entry's state file. */
export interface Delivery {
  /** `<targetIndex>:<recipientId>`, unique within the entry. */
  key: string;
  targetIndex: number;
  recipient: PlanRecipient;
  /** `cancelled`: will not be attempted and is no failure (an outbox claim another bridge holds). */
  status: "pending" | "delivered" | "failed" | "cancelled";
  attempts: number;
  /** ISO 8601; when the next attempt is due (pending only). */
  nextAttemptAt: string;
  /** Last remote or local reply, for logs and failed-delivery records. */
  lastReply?: string;
}

/** Everything about one spooled message except its bytes. */
export interface SpoolState {
  id: string;
  envelope: Envelope;
  targets: Target[];
  size: number;
  deliveries: Delivery[];
  /** Events not yet acknowledged by the Worker; the entry is removed only when this is empty and no delivery is pending. */
  unreported: BridgeEvent[];
  /** ISO 8601; set after a failed report: do not try to report again before this time. */
  reportAfter?: string;
}

/**
 * Spool stage: durable storage of accepted messages (Postfix's queue, Haraka's write-tmp/fsync/rename).
 * `put` resolves only once the message and its state are on disk (fsync'd file and directory): only then
 * may the receiver answer 250. Entries that cannot be read are moved to `corrupt/` and never crash the loop.
 */
export interface Spool {
  put(envelope: Envelope, targets: Target[], raw: Buffer): Promise<SpoolState>;
  /**
   * Starts an entry whose message arrives in pieces (DATA): its bytes go to disk as they come instead of
   * being collected in memory; `commit` has `put`'s guarantees, `abort` leaves nothing behind.
   */
  begin(): SpoolWriter;
  /**
   * Entries with something due at `now` (a pending delivery, unreported events, or nothing left so they
   * can be removed), earliest first. `skip` leaves out entries the caller already holds; `limit` caps
   * how many are read from disk.
   */
  due(now: Date, options?: { skip?: ReadonlySet<string>; limit?: number }): Promise<SpoolState[]>;
  readMessage(id: string): Promise<Buffer>;
  /** Atomically replaces the state file (write tmp, fsync, rename). */
  update(state: SpoolState): Promise<void>;
  /** Deletes message and state; called when nothing is pending and all events are reported. */
  remove(id: string): Promise<void>;
  /** Moves an entry that cannot be processed (unreadable message, broken state) to `corrupt/`; it is never retried. */
  quarantine(id: string, reason: string): Promise<void>;
  /**
   * How many entries are queued, when the oldest arrived, and the earliest time any entry is due (ISO
   * 8601; null when none waits). A due time well in the past means the queue runner is not keeping up.
   */
  stats(): Promise<{ depth: number; oldestReceivedAt: string | null; oldestDueAt: string | null }>;
}

/** A spool entry being written (see {@link Spool.begin}); bridge/spool/spool-writer.ts. */
export interface SpoolWriter {
  /** Octets given to `write` so far. */
  readonly size: number;
  /**
   * Appends bytes. Resolves when they are buffered or written (await it: that is the back-pressure). A
   * write error does not reject here: it is kept, later bytes are only counted, and `commit` refuses.
   */
  write(chunk: Buffer): Promise<void>;
  /** The whole message written so far (from memory, or read back from the temp file). */
  read(): Promise<Buffer>;
  /**
   * Completes and fsyncs the message, then commits the entry like `put`; only then resolves.
   * @throws MailError `452 4.3.1` (stage spool) when anything could not be written; nothing is left behind
   */
  commit(envelope: Envelope, targets: Target[]): Promise<SpoolState>;
  /** Drops the entry and every file it has; a no-op after `commit`. */
  abort(): Promise<void>;
}

/** Context the forward transform needs besides the message and plan; passing it keeps the transform pure. */
export interface TransformContext {
  envelope: Envelope;
  rcptTo: string;
  /** Current time (for generated Date/Message-ID when missing). */
  now: Date;
  /** A random token source, injectable so golden files are reproducible. */
  randomId: () => string;
  /** Token-form reverse aliases for senders that need one (sender, lower case → address). */
  tokens?: ReadonlyMap<string, string>;
}

/**
 * An outgoing message's bytes as parts in order: views of the spooled message for everything the stages
 * pass through unchanged, new buffers for what they add (bridge/mail/message-parts.ts). `size` is the
 * total in octets.
 */
export interface MessageParts {
  readonly parts: readonly Buffer[];
  readonly size: number;
}

/**
 * Sign stage: returns the message with a DKIM-Signature header prepended (a new first part; the others
 * are the message's own). Runs after the last change.
 */
export type Signer = (message: MessageParts, signingDomain: string) => Promise<MessageParts>;

/** The outcome of one SMTP delivery attempt to one recipient. */
export interface DeliveryOutcome {
  status: "delivered" | "temporary" | "permanent";
  /** The remote reply, e.g. `550 5.1.1 <x@y>: user unknown`, or our local reason. */
  reply: string;
  /** Enhanced status code when known, e.g. `5.1.1`. */
  enhanced?: string;
  remoteMta?: string;
}

/** Deliver stage: one message, one envelope, to one recipient's MX (or the relay). Never throws. */
export interface Transport {
  send(message: MessageParts, envelope: { from: string; to: string }): Promise<DeliveryOutcome>;
}

/**
 * Confirms outbox claims with the Worker (`POST /internal/v1/outbox/ack`). `acked` ids are this bridge's
 * to deliver; `lost` ones were claimed by another bridge since and must not be delivered. Throws when the
 * Worker could not be asked (the caller tries again later).
 */
export interface OutboxAcker {
  ack(items: { id: string; claimToken: string }[]): Promise<{ acked: string[]; lost: string[] }>;
}

/** Report stage: hands events to the Worker. Throws when they could not be delivered; the caller keeps them. */
export interface Reporter {
  report(events: BridgeEvent[]): Promise<void>;
}
