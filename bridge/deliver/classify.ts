/**
 * Classification of a delivery attempt's result, as data (ZoneMTA's `config/bounces.txt`, nodemailer's
 * `lib/errors.js`): the first rule that matches decides. RFC 5321 §4.2.1: 2yz done, 4yz transient,
 * 5yz permanent; failures while setting up the session (connect, greeting, EHLO, STARTTLS) move on to
 * the next MX host (§5.1) and are transient if no host is left. Anything unrecognised is temporary
 * (maddy's `IsTemporaryOrUnspec`): retrying is safe, dropping mail is not.
 */
import type { DeliveryOutcome } from "../mail/types.js";

/** What nodemailer tells us about a failed (or successful) SMTP exchange. */
export interface AttemptResult {
  /** SMTP reply code, when the server answered. */
  responseCode?: number | false | undefined;
  /** The server's reply text, e.g. `550 5.1.1 <x@y>: user unknown`. */
  response?: string | false | undefined;
  /** nodemailer error code: ECONNECTION, ETIMEDOUT, EENVELOPE, ... */
  code?: string | undefined;
  /** SMTP command that failed: CONN, EHLO, MAIL FROM, RCPT TO, DATA, ... */
  command?: string | undefined;
}

export interface Verdict {
  status: DeliveryOutcome["status"];
  /** Try the next MX host / address before giving this outcome. */
  nextHost: boolean;
}

interface Rule {
  /** Inclusive range of reply codes that match; absent: any (including none). */
  codes?: readonly [number, number];
  /** nodemailer error codes that match; absent: any. */
  errors?: readonly string[];
  /** Failed commands that match; absent: any. */
  commands?: readonly string[];
  verdict: Verdict;
  why: string;
}

const SESSION_SETUP = ["CONN", "EHLO", "HELO", "LHLO", "STARTTLS"] as const;
const NETWORK = ["ECONNECTION", "ESOCKET", "ETIMEDOUT", "EDNS", "ETLS", "EPROTOCOL", "EREQUIRETLS"] as const;

/** The table. Order matters: first match wins. */
export const RULES: readonly Rule[] = [
  { codes: [200, 299], verdict: { status: "delivered", nextHost: false }, why: "positive completion" },
  { commands: SESSION_SETUP, verdict: { status: "temporary", nextHost: true }, why: "session setup failed (also a 5xx greeting, as Postfix's smtp_skip_5xx_greeting)" },
  { codes: [421, 421], verdict: { status: "temporary", nextHost: true }, why: "service not available, closing channel" },
  { codes: [400, 499], verdict: { status: "temporary", nextHost: false }, why: "transient negative completion" },
  { codes: [503, 503], verdict: { status: "temporary", nextHost: false }, why: "bad sequence of commands: our session, not the message" },
  { codes: [500, 599], verdict: { status: "permanent", nextHost: false }, why: "permanent negative completion" },
  { errors: ["EMESSAGE"], commands: ["MAIL FROM"], verdict: { status: "permanent", nextHost: false }, why: "larger than the SIZE the server announced (RFC 1870)" },
  { errors: NETWORK, verdict: { status: "temporary", nextHost: true }, why: "network, TLS or protocol failure" },
  { verdict: { status: "temporary", nextHost: false }, why: "unclassified: temporary by default" },
];

/**
 * Decides what an attempt's result means.
 * @example classify({ responseCode: 550, command: "RCPT TO" }) // { status: "permanent", nextHost: false }
 */
export function classify(result: AttemptResult): Verdict {
  const code = typeof result.responseCode === "number" ? result.responseCode : undefined;
  for (const rule of RULES) {
    if (rule.codes && (code === undefined || code < rule.codes[0] || code > rule.codes[1])) continue;
    if (rule.errors && !rule.errors.includes(result.code ?? "")) continue;
    if (rule.commands && !rule.commands.includes(result.command ?? "")) continue;
    return rule.verdict;
  }
  return { status: "temporary", nextHost: false };
}

/**
 * The enhanced status code (RFC 3463) at the start of a reply text, when it agrees with the reply's class.
 * @example enhancedCode("550 5.1.1 user unknown") // "5.1.1"
 */
export function enhancedCode(reply: string): string | undefined {
  const m = /^([245])\d\d[ -]([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(reply);
  return m && m[1] === m[2] ? `${m[2]}.${m[3]}.${m[4]}` : undefined;
}
