/**
 * Content-Transfer-Encoding of body parts (RFC 2045 §6): decoding a part's body to its octets and
 * encoding octets back the same way. Shared by the transforms that change text inside a part (the
 * reply scrubber, ./scrub-parts.ts, and the forward banner, ./banner.ts); parts they leave alone keep
 * their bytes and never come through here.
 */
import * as base64 from "nodemailer/lib/base64";
import * as qp from "nodemailer/lib/qp";
import type { HeaderField } from "./parse.js";

/** The encodings a part can be decoded from and encoded to again (anything else is left as it is). */
export const KNOWN_ENCODINGS = new Set(["7bit", "8bit", "binary", "base64", "quoted-printable"]);

/** A part's Content-Transfer-Encoding, lower case; `7bit` when absent (RFC 2045 §6.1). */
export function cteOf(fields: HeaderField[]): string {
  return fields.find((f) => f.key === "content-transfer-encoding")?.value.trim().toLowerCase() || "7bit";
}

/** RFC 2045 §6.7 quoted-printable, decoded to octets (soft line breaks removed). */
export function decodeQuotedPrintable(body: Buffer): Buffer {
  const s = body.toString("latin1").replace(/[ \t]+(?=\r?\n)/g, "").replace(/=\r?\n/g, "");
  const out = Buffer.alloc(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const hex = s[i] === "=" ? s.slice(i + 1, i + 3) : "";
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      out[n++] = parseInt(hex, 16);
      i += 2;
    } else {
      out[n++] = s.charCodeAt(i) & 0xff;
    }
  }
  return out.subarray(0, n);
}

/**
 * A part's body decoded to octets: base64 (RFC 2045 §6.8, characters outside the alphabet ignored) or
 * quoted-printable; 7bit, 8bit, binary and unknown encodings as they are.
 */
export function decodeBody(body: Buffer, cte: string): Buffer {
  if (cte === "base64") return Buffer.from(body.toString("latin1").replace(/[^A-Za-z0-9+/=]/g, ""), "base64");
  if (cte === "quoted-printable") return decodeQuotedPrintable(body);
  return body;
}

/**
 * Octets encoded as `cte`: base64 in lines of 76 characters (ending with `eol`), quoted-printable with
 * soft breaks at 76 (hard line breaks of the text kept, as `eol`); 7bit/8bit/binary unchanged.
 */
export function encodeBody(bytes: Buffer, cte: string, eol: string): Buffer {
  const lines = (s: string) => s.replace(/\r\n/g, eol);
  if (cte === "base64") return Buffer.from(lines(base64.wrap(base64.encode(bytes), 76)) + eol, "latin1");
  if (cte === "quoted-printable") return Buffer.from(lines(qp.wrap(qp.encode(bytes), 76)), "latin1");
  return bytes;
}
