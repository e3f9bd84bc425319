/**
 * The one error type that travels the bridge's pipeline (after maddy's `exterrors.SMTPError`).
 *
 * It carries the SMTP reply to give (or to record), the stage that raised it and whether it is
 * temporary. Whoever sits at the edge turns it into an SMTP reply (receive) or a retry / fail decision
 * (queue). Anything thrown that is not a MailError is treated as temporary (see {@link toMailError}).
 */
import type { SmtpReply } from "../../common/internal-api.js";

/** Pipeline stages, in order. */
export type Stage = "receive" | "resolve" | "spool" | "transform" | "sign" | "deliver" | "report";

export class MailError extends Error {
  readonly stage: Stage;
  /** Basic SMTP code, e.g. 451 or 550 (RFC 5321 §4.2.3). */
  readonly smtpCode: number;
  /** Enhanced status code, e.g. "4.3.0" (RFC 3463). */
  readonly enhanced: string;
  /** Generic text safe to show the sending MTA; never names aliases, real addresses, hosts or config. */
  readonly publicMessage: string;

  constructor(stage: Stage, reply: SmtpReply, options?: { cause?: unknown; detail?: string }) {
    super(options?.detail ?? reply.message, { cause: options?.cause });
    this.name = "MailError";
    this.stage = stage;
    this.smtpCode = reply.code;
    this.enhanced = reply.enhanced;
    this.publicMessage = reply.message;
  }

  /** 4xx: the sender (or our queue) should try again later. */
  get temporary(): boolean {
    return this.smtpCode >= 400 && this.smtpCode < 500;
  }

  /** The reply as smtp-server wants it on an Error: `responseCode` and the full text. */
  toSmtpServerError(): Error & { responseCode: number } {
    const err = new Error(`${this.enhanced} ${this.publicMessage}`) as Error & { responseCode: number };
    err.responseCode = this.smtpCode;
    return err;
  }
}

/** Wraps anything thrown into a MailError; unknown errors become temporary `451 4.3.0`. */
export function toMailError(stage: Stage, err: unknown): MailError {
  if (err instanceof MailError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new MailError(stage, { code: 451, enhanced: "4.3.0", message: "Temporary local problem, please try again later" }, { cause: err, detail });
}
