/**
 * Sign stage: DKIM (RFC 6376) with mailauth, `rsa-sha256`, relaxed/relaxed canonicalisation, `d=` the
 * plan's signing domain. It runs after the last change to the message (DESIGN.md §3): nothing may touch
 * the bytes it returns. The key is parsed once per signer (./mailauth-signer.mjs), not per message.
 */
import { MailError, toMailError } from "../mail/errors.js";
import { lineEndingOf, partsSource, prependPart } from "../mail/message-parts.js";
import type { MessageParts, Signer } from "../mail/types.js";
import { createMailauthSigner, type MailauthSignResult } from "./mailauth-signer.mjs";

/**
 * Header fields we sign: mailauth's default list (From, Reply-To, Subject, Date, Message-ID, To, Cc,
 * MIME and List-* headers, …) plus Feedback-ID (mailbox providers only trust a signed one). Only fields
 * present in the message end up in `h=`. mailauth reads this option as one colon-separated string.
 */
export const SIGNED_FIELDS = [
  "From", "Sender", "Reply-To", "Subject", "Date", "Message-ID", "To", "Cc", "MIME-Version", "Content-Type",
  "Content-Transfer-Encoding", "Content-ID", "Content-Description", "Resent-Date", "Resent-From",
  "Resent-Sender", "Resent-To", "Resent-Cc", "Resent-Message-ID", "In-Reply-To", "References", "List-Id",
  "List-Help", "List-Unsubscribe", "List-Unsubscribe-Post", "List-Subscribe", "List-Post", "List-Owner",
  "List-Archive", "Feedback-ID",
].join(":");

export const TEMPORARY = { code: 451, enhanced: "4.3.0", message: "Temporary local problem, please try again later" };

/**
 * Builds the DKIM signer.
 *
 * @param opts.selector the `s=` selector (`<selector>._domainkey.<domain>` holds the key record; custom
 *   domains CNAME it to ours).
 * @param opts.privateKey the RSA private key, PEM.
 * @returns a {@link Signer}: `(message, signingDomain)` → the message with one `DKIM-Signature:` field
 *   prepended as a new first part (in the message's own line ending); a large message is hashed as a
 *   stream of its parts, never joined. Rejects with a temporary MailError (stage `sign`,
 *   `451 4.3.0`) when no signature could be made; the queue retries.
 * @throws Error at creation when the key cannot be read or is not RSA (a configuration error: fail at startup).
 * @example const sign = createDkimSigner({ selector: 'vm1', privateKey: pem }); const out = await sign(msg, 'example.com');
 */
export function createDkimSigner(opts: { selector: string; privateKey: string }): Signer {
  const sign = createMailauthSigner({ ...opts, headerList: SIGNED_FIELDS }); // also refuses a key that is not RSA
  return async (message, signingDomain) => {
    let result: SignResult;
    try {
      // A large message goes in as a stream of slices of its parts, hashed as it goes, never joined.
      // The signing time is fixed here, never left to mailauth: mailauth 4.13.3 would read the clock
      // twice, once for the header it signs and once for the header it returns (lib/tools.js
      // formatSignatureHeaderLine), and when the rounded second changed in between (signing takes
      // milliseconds, more under load) the returned t= was not the signed one and the signature failed
      // at every receiver: about 0.6 % of signatures made 100 at a time did (test/bridge/sign.test.ts
      // pins the case). ./sign-thread.mjs does the same.
      result = await sign(partsSource(message), signingDomain, new Date());
    } catch (err) {
      throw toMailError("sign", err);
    }
    return withSignature(message, signingDomain, result);
  };
}

/** mailauth's answer reduced to what crosses a thread: the signature header(s) and error texts. */
export type SignResult = MailauthSignResult;

/**
 * The message with its DKIM-Signature field prepended as a new first part (the message's own parts are
 * not copied), in the message's own line ending.
 * @throws MailError (stage `sign`, `451 4.3.0`) when `result` holds no signature or reports errors
 */
export function withSignature(message: MessageParts, signingDomain: string, result: SignResult): MessageParts {
  const header = result.signatures.trim();
  if (!/^DKIM-Signature:/i.test(header) || result.errors.length) {
    throw new MailError("sign", TEMPORARY, { detail: `DKIM signing for ${signingDomain} failed: ${result.errors.join("; ") || "no signature returned"}` });
  }
  const eol = lineEndingOf(message);
  return prependPart(Buffer.from(header.replace(/\r\n/g, eol) + eol, "utf8"), message);
}
