/**
 * The catalogue of every SMTP reply the bridge gives on its own account (replies decided by the Worker
 * arrive in its resolution answer). One place, so texts stay generic and codes stay consistent.
 * Enhanced codes per RFC 3463; basic codes per RFC 5321 §4.2.
 */
import type { SmtpReply } from "../../common/internal-api.js";

const r = (code: number, enhanced: string, message: string): SmtpReply => ({ code, enhanced, message });

export const REPLIES = {
  /** The Worker could not be reached and no cached answer vouches for the address. */
  directoryUnavailable: r(451, "4.3.0", "Temporary lookup failure, please try again later"),
  /** Any unexpected local failure before 250. */
  localError: r(451, "4.3.0", "Temporary local problem, please try again later"),
  /** The spool could not be written (disk full or I/O error). */
  spoolFull: r(452, "4.3.1", "Insufficient system storage, please try again later"),
  tooManyRecipients: r(452, "4.5.3", "Too many recipients"),
  badSenderSyntax: r(501, "5.1.7", "Bad sender address syntax"),
  badRecipientSyntax: r(553, "5.1.3", "Bad recipient address syntax"),
  /** RFC 5321 §2.3.8: CR and LF only as CRLF; bare ones enable SMTP smuggling. */
  bareLineEnding: r(550, "5.6.0", "Message contains bare CR or LF, refused"),
  messageTooBig: r(552, "5.3.4", "Message size exceeds fixed maximum message size"),
  /** A message passed more hops than allowed (RFC 5321 §6.3). */
  mailLoop: r(554, "5.4.6", "Too many hops, mail loop detected"),
  noValidRecipients: r(554, "5.5.1", "No valid recipients"),
  accepted: r(250, "2.0.0", "Message accepted for delivery"),
} as const satisfies Record<string, SmtpReply>;

export type ReplyName = keyof typeof REPLIES;
