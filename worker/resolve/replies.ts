/**
 * The SMTP replies the Worker's resolution can decide (RFC 5321 §4.2.3, enhanced codes RFC 3463).
 * Texts are generic on purpose: they never say whether an alias exists but is off, nor name a user.
 */
import type { SmtpReply } from "../../common/internal-api.js";

const r = (code: number, enhanced: string, message: string): SmtpReply => ({ code, enhanced, message });

export const RESOLVE_REPLIES = {
  /** Forward or discard: both look the same to the sender. */
  accepted: r(250, "2.1.5", "Recipient OK"),
  unknownRecipient: r(550, "5.1.1", "Recipient address rejected: User unknown"),
  relayDenied: r(550, "5.7.1", "Relaying denied"),
  badSyntax: r(553, "5.1.3", "Recipient address has invalid syntax"),
  /** The alias exists but no verified mailbox can take the mail. */
  mailboxDisabled: r(550, "5.2.1", "Mailbox disabled, not accepting messages"),
  /** The owner's plan's monthly bandwidth is used up (RFC 3463 5.2.2 mailbox full; RFC 5321 552). */
  overQuota: r(552, "5.2.2", "Mailbox full: monthly quota exceeded"),
  /** The owner's plan's hourly cap on new aliases is reached: a catch-all alias cannot be created yet. */
  aliasRateLimited: r(450, "4.2.1", "Mailbox temporarily unavailable, try again later"),
  /** Maintenance mode (RFC 3463 4.3.2: system not accepting network messages); senders retry later. */
  maintenance: r(451, "4.3.2", "System not accepting network messages, try again later"),
} as const satisfies Record<string, SmtpReply>;
