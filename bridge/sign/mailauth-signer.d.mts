/** Types for ./mailauth-signer.mjs (see its module comment). */
import type { Readable } from "node:stream";

/** What one signature comes back as: mailauth's `dkimSign` result, its errors as text. */
export interface MailauthSignResult {
  /** The folded `DKIM-Signature:` field ending in CRLF, or just CRLF when none was made. */
  signatures: string;
  errors: string[];
}

/**
 * Parses the RSA key once; the returned function signs one message (Buffer or Readable of it) for
 * `signingDomain` (`d=`) at `signTime` (`t=`).
 * @throws Error when the key cannot be read or is not RSA.
 */
export function createMailauthSigner(opts: { selector: string; privateKey: string; headerList: string }):
  (input: Buffer | Readable, signingDomain: string, signTime: Date) => Promise<MailauthSignResult>;
