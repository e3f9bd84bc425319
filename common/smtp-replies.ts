/**
 * The catalogue of every SMTP reply Veilmail gives or records, in one place for the Worker (whose
 * resolution decides replies at RCPT time) and the bridges (their own replies, and the outcomes of their
 * delivery attempts), so texts stay generic and codes consistent. Basic codes per RFC 5321 §4.2.3,
 * enhanced codes per RFC 3463. Texts never say whether an alias exists but is off, nor name a user,
 * a host or a setting.
 */
import type { SmtpReply } from "./internal-api.js";

const r = (code: number, enhanced: string, message: string): SmtpReply => ({ code, enhanced, message });

export const SMTP_REPLIES = {
  // Decided by the Worker at RCPT time (worker/resolve/).
  /** Forward or discard: both look the same to the sender. */
  recipientAccepted: r(250, "2.1.5", "Recipient OK"),
  unknownRecipient: r(550, "5.1.1", "Recipient address rejected: User unknown"),
  relayDenied: r(550, "5.7.1", "Relaying denied"),
  /** The alias exists but no verified mailbox can take the mail. */
  mailboxDisabled: r(550, "5.2.1", "Mailbox disabled, not accepting messages"),
  /** The owner's plan's monthly bandwidth is used up (RFC 3463 5.2.2 mailbox full; RFC 5321 552). */
  overQuota: r(552, "5.2.2", "Mailbox full: monthly quota exceeded"),
  /** The owner's plan's hourly cap on new aliases is reached: a catch-all alias cannot be created yet. */
  aliasRateLimited: r(450, "4.2.1", "Mailbox temporarily unavailable, try again later"),

  // Given by a bridge on its own account (bridge/receive/, bridge/deliver/).
  /** The Worker could not be reached and no cached answer vouches for the address. */
  directoryUnavailable: r(451, "4.3.0", "Temporary lookup failure, please try again later"),
  /** Maintenance mode (RFC 3463 4.3.2, system not accepting network messages): the sender retries later. */
  maintenance: r(451, "4.3.2", "System not accepting network messages, try again later"),
  /** Any unexpected local failure before 250. */
  localError: r(451, "4.3.0", "Temporary local problem, please try again later"),
  /** The spool could not be written (disk full or I/O error). */
  spoolFull: r(452, "4.3.1", "Insufficient system storage, please try again later"),
  tooManyRecipients: r(452, "4.5.3", "Too many recipients"),
  /** More concurrent connections from one client address than allowed. */
  tooManyConnections: r(421, "4.7.0", "Too many connections from your address, try again later"),
  /** The bridge is shutting down; the client should retry (RFC 5321 §3.8). */
  shuttingDown: r(421, "4.3.2", "Service shutting down, try again later"),
  badSenderSyntax: r(501, "5.1.7", "Bad sender address syntax"),
  badRecipientSyntax: r(553, "5.1.3", "Bad recipient address syntax"),
  /** RFC 5321 §2.3.8: CR and LF only as CRLF; bare ones enable SMTP smuggling. */
  bareLineEnding: r(550, "5.6.0", "Message contains bare CR or LF, refused"),
  messageTooBig: r(552, "5.3.4", "Message size exceeds fixed maximum message size"),
  /** A message passed more hops than allowed (RFC 5321 §6.3). */
  mailLoop: r(554, "5.4.6", "Too many hops, mail loop detected"),
  noValidRecipients: r(554, "5.5.1", "No valid recipients"),
  /** End of DATA: the message is spooled. */
  messageAccepted: r(250, "2.0.0", "Message accepted for delivery"),

  // Outcomes of our own delivery attempts (recorded in the spool and in `failed` events, never sent to a client).
  /** The recipient's domain does not exist (NXDOMAIN). */
  noSuchDomain: r(550, "5.1.2", "Recipient domain does not exist"),
  /** The recipient's domain publishes a null MX (RFC 7505 §3). */
  nullMx: r(556, "5.1.10", "Recipient domain does not accept mail"),
  /** DNS lookup of the recipient's domain failed temporarily. */
  dnsTemporary: r(451, "4.4.3", "Temporary DNS failure for the recipient domain"),
  /** No mail server of the recipient's domain had an address. */
  noRoute: r(451, "4.4.4", "No usable mail server for the recipient domain"),
  /** A reply's To/Cc held an address that is not a reply address of its alias: never sent. */
  notReverseAlias: r(550, "5.7.1", "Recipient is not a reply address of this alias"),
  /** DNS failed while authenticating a reply at the end of DATA (RFC 3463 X.4.3): the sender retries. */
  authTemporary: r(451, "4.4.3", "Temporary DNS failure while checking the sender, please try again later"),
} as const satisfies Record<string, SmtpReply>;

export type SmtpReplyName = keyof typeof SMTP_REPLIES;
