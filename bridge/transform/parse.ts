/**
 * Header parsing for the transform stage: splits a raw RFC 5322 message into its header fields (kept as
 * raw bytes, so fields we do not touch are re-emitted byte for byte) and the body offset, and decodes the
 * few fields the forward rewrite needs.
 *
 * Addresses are parsed with nodemailer's addressparser (it keeps quoted local parts such as
 * `"john doe"@example.com` intact, which postal-mime's parser unquotes); display names and the subject are
 * decoded with postal-mime's RFC 2047 decoder. Raw 8-bit header bytes are read as UTF-8 (RFC 6532), or as
 * Latin-1 when they are not valid UTF-8. Only the header block is looked at.
 */
import addressparser from "nodemailer/lib/addressparser";
import { decodeWords } from "postal-mime";

/** One header field exactly as it appeared in the message. */
export interface HeaderField {
  /** Field name as written, e.g. `Subject`; `""` for a line that is no field (no colon). */
  name: string;
  /** Lower-case name, for lookups. */
  key: string;
  /** The field's bytes: name, colon, value, folding, and its final line ending (when it had one). */
  raw: Buffer;
  /** The value after the colon: decoded to text, unfolded (RFC 5322 §2.2.3), trimmed. Not RFC 2047-decoded. */
  value: string;
}

/** One mailbox: address as written (quoted local part kept), display name RFC 2047-decoded (`""` if none). */
export interface Mailbox {
  address: string;
  name: string;
}

/** The header block of a message, as fields plus the decoded values the transform needs. */
export interface ParsedHeaders {
  /** Every field in order, duplicates included. */
  fields: HeaderField[];
  /** Offset of the first body octet (just past the empty line); `raw.length` when there is no body. */
  bodyOffset: number;
  /** Line ending of the header block: CRLF, or LF for a message stored with bare LF line endings. */
  eol: "\r\n" | "\n";
  /** Mailboxes of every From field (groups flattened; entries without an address dropped). */
  from: Mailbox[];
  replyTo: Mailbox[];
  to: Mailbox[];
  cc: Mailbox[];
  /** The first mailbox of the first Sender field. */
  sender: Mailbox | null;
  /** The first Subject, RFC 2047-decoded; null when absent. */
  subject: string | null;
  /** The first Message-ID as written (angle brackets included); null when absent or empty. */
  messageId: string | null;
}

const LF = 0x0a;
const CR = 0x0d;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Parses the header block of `raw` (RFC 5322 §2.1: header fields, an empty line, the body).
 *
 * @param raw the whole message as received.
 * @returns the fields, the body offset and the decoded From, Reply-To, To, Cc, Sender, Subject, Message-ID.
 *   Never throws on malformed input: unparsable addresses are left out, a message without an empty line
 *   is all header.
 * @example const parsed = await parseHeaderFields(raw); parsed.from[0]?.address
 */
export async function parseHeaderFields(raw: Buffer): Promise<ParsedHeaders> {
  return parseHeaderFieldsSync(raw);
}

/**
 * The same as {@link parseHeaderFields}, synchronously (it does no I/O): for the pure transforms that
 * must stay synchronous (the forward banner walks the MIME tree inside `forwardMessage`).
 */
export function parseHeaderFieldsSync(raw: Buffer): ParsedHeaders {
  const fields: HeaderField[] = [];
  let bodyOffset = raw.length;
  let eol: "\r\n" | "\n" | null = null;
  let start: number | null = null; // start of the field being collected
  let pos = 0;
  while (pos < raw.length) {
    const lf = raw.indexOf(LF, pos);
    const next = lf < 0 ? raw.length : lf + 1;
    const contentEnd = lf < 0 ? raw.length : lf > pos && raw[lf - 1] === CR ? lf - 1 : lf;
    if (eol === null && lf >= 0) eol = contentEnd < lf ? "\r\n" : "\n";
    const first = raw[pos];
    if (contentEnd === pos && lf >= 0) {
      bodyOffset = next; // the empty line ends the header block
      break;
    }
    if (start !== null && first !== 0x20 && first !== 0x09) {
      fields.push(toField(raw.subarray(start, pos)));
      start = null;
    }
    start ??= pos;
    pos = next;
  }
  if (start !== null) fields.push(toField(raw.subarray(start, pos)));

  const mailboxes = (key: string): Mailbox[] => fields.filter((f) => f.key === key).flatMap((f) => parseMailboxes(f.value));
  const firstValue = (key: string): string | null => fields.find((f) => f.key === key)?.value || null;
  const subject = firstValue("subject") ?? (fields.some((f) => f.key === "subject") ? "" : null);
  const senderField = fields.find((f) => f.key === "sender");
  return {
    fields,
    bodyOffset,
    eol: eol ?? "\r\n",
    from: mailboxes("from"),
    replyTo: mailboxes("reply-to"),
    to: mailboxes("to"),
    cc: mailboxes("cc"),
    sender: senderField ? (parseMailboxes(senderField.value)[0] ?? null) : null,
    subject: subject === null ? null : decodeWords(subject),
    messageId: firstValue("message-id"),
  };
}

/**
 * Parses an address-list field value into mailboxes (groups flattened, entries without `@` dropped).
 *
 * @example parseMailboxes('=?utf-8?q?J=C3=BCrgen?= <j@b.de>') // [{ address: 'j@b.de', name: 'Jürgen' }]
 */
export function parseMailboxes(value: string): Mailbox[] {
  return addressparser(value, { flatten: true })
    .map((a) => ({ address: (a.address ?? "").trim(), name: decodeWords(a.name ?? "").replace(/\s+/g, " ").trim() }))
    .filter((m) => /^.+@[^@\s]+$/.test(m.address));
}

/** Text of raw header bytes: UTF-8 (RFC 6532), or Latin-1 when not valid UTF-8. */
export function headerText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return Buffer.from(bytes).toString("latin1");
  }
}

function toField(raw: Buffer): HeaderField {
  const text = headerText(raw);
  const colon = text.indexOf(":");
  const name = colon > 0 && !/[\s]/.test(text.slice(0, colon).trimEnd()) ? text.slice(0, colon).trimEnd() : "";
  const value = name ? text.slice(colon + 1).replace(/\r?\n/g, "").trim() : "";
  return { name, key: name.toLowerCase(), raw, value };
}
