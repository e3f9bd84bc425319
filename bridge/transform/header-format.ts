/**
 * Writing header fields: RFC 2047 encoding of non-ASCII text, folding at 78 characters where possible and
 * the hard limit of 998 octets per line (RFC 5322 §2.1.1, §2.2.3). Encoding and folding come from nodemailer
 * (`mime-node`'s header encoder, `mime-funcs`); this module decides which applies to which field and
 * enforces the line limit. Every function returns a complete field without its final line ending.
 */
import MimeNode from "nodemailer/lib/mime-node";
import * as mimeFuncs from "nodemailer/lib/mime-funcs";
import type { HeaderField, Mailbox } from "./parse.js";

/** RFC 5322 §2.1.1: recommended and maximum line length, without the line ending. */
export const FOLD_AT = 78;
export const MAX_LINE_OCTETS = 998;

/** Unstructured fields (RFC 5322 §3.6.5, RFC 2047 §5(1)): any text may be carried as encoded-words. */
const UNSTRUCTURED = new Set(["subject", "comments", "content-description", "organization", "thread-topic"]);
const isUnstructured = (key: string): boolean => UNSTRUCTURED.has(key) || key.startsWith("x-");
const nonAscii = (s: string): boolean => /[^\x00-\x7f]/.test(s);

/** Whether every line of `field` (lines split on CRLF or LF) is at most 998 octets. */
export function linesFit(field: string | Buffer): boolean {
  const text = typeof field === "string" ? field : field.toString("latin1"); // latin1: 1 char per octet
  return text.split(/\r?\n/).every((line) => Buffer.byteLength(line, typeof field === "string" ? "utf8" : "latin1") <= MAX_LINE_OCTETS);
}

/** Folds `Name: value` at whitespace, at 78 characters where possible; lines joined with `eol`. */
export function fold(name: string, value: string, eol: string): string {
  return mimeFuncs.foldLines(`${name}: ${value}`, FOLD_AT).replace(/\r\n/g, eol);
}

/** Longest display name written (characters); RFC 5322 sets no limit, the 998-octet line does. */
export const MAX_DISPLAY_NAME = 120;

/**
 * One MimeNode for encoding header values: the static `MimeNode.encodeHeaderValue` builds a new node for
 * every call, and each node draws random bytes for a boundary it never uses (the largest single cost of
 * the forward rewrite in a CPU profile under `npm run bench`). Encoding keeps no state in the node.
 */
let headerEncoder: MimeNode | undefined;
const encoder = (): MimeNode => (headerEncoder ??= new MimeNode());

/**
 * An address field (From, To, Cc, Reply-To, Sender) from mailboxes: display names quoted or RFC 2047
 * encoded as needed, addresses in angle brackets when they carry specials (a quoted local part).
 *
 * @example addressField('To', [{ name: 'Jürgen', address: 'j@b.de' }], '\r\n') // 'To: =?UTF-8?Q?J=C3=BCrgen?= <j@b.de>'
 */
export function addressField(name: string, mailboxes: Mailbox[], eol: string): string {
  // A display name is shown, never parsed: longer ones are cut so that no line can pass 998 octets.
  const shortName = (n: string): string => (n.length > MAX_DISPLAY_NAME ? `${n.slice(0, MAX_DISPLAY_NAME - 3)}...` : n);
  // Encoded as nodemailer encodes To: it knows only the standard names as address fields, and every
  // address field (RFC 5322 §3.6.2-3, RFC 8098 §2.1 …) has the same syntax.
  const value = encoder().encodeHeaderValue("To", mailboxes.map((m) => ({ name: shortName(m.name), address: m.address })));
  return fold(name, value, eol);
}

/**
 * An unstructured field from text: non-ASCII words become encoded-words (RFC 2047); a word too long for
 * 998 octets is carried as a run of encoded-words, which decode to the same text.
 */
export function unstructuredField(name: string, text: string, eol: string): string {
  const clean = text.replace(/[\r\n]+/g, " ").trim();
  const folded = fold(name, nonAscii(clean) ? mimeFuncs.encodeWords(clean, "Q", 52, false) : clean, eol);
  return linesFit(folded) ? folded : fold(name, mimeFuncs.encodeWord(clean, "Q", 52), eol);
}

/**
 * An untouched field as it goes out. Raw bytes are kept when they are ASCII and every line fits; otherwise:
 * unstructured fields are re-encoded (RFC 2047), Content-Type / Content-Disposition parameters are
 * re-encoded per RFC 2231, and other structured fields keep their 8-bit text (a message that arrived with
 * SMTPUTF8 headers; there is no other way to write them) and are re-folded. A structured field whose line
 * cannot be brought under 998 octets (a single token that long) is dropped: null.
 */
export function passField(field: HeaderField, eol: string): Buffer | null {
  const raw = field.raw;
  const ascii = !raw.some((b) => b >= 0x80);
  if (ascii && linesFit(raw)) return withEol(raw, eol);
  if (!field.name) return null;
  let text: string;
  if (isUnstructured(field.key)) text = unstructuredField(field.name, field.value, eol);
  else if (field.key === "content-type" || field.key === "content-disposition") {
    text = fold(field.name, mimeFuncs.buildHeaderValue(mimeFuncs.parseHeaderValue(field.value)), eol);
  } else if (linesFit(raw)) return withEol(raw, eol);
  else text = fold(field.name, field.value, eol);
  return linesFit(text) ? Buffer.from(text + eol, "utf8") : null;
}

/** RFC 5322 §3.3 date-time in UTC, e.g. `Thu, 01 Jan 2026 00:00:00 +0000`. */
export function rfc5322Date(date: Date): string {
  return date.toUTCString().replace(/GMT$/, "+0000");
}

function withEol(raw: Buffer, eol: string): Buffer {
  return raw.length > 0 && raw[raw.length - 1] === 0x0a ? raw : Buffer.concat([raw, Buffer.from(eol)]);
}
