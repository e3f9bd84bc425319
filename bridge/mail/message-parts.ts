/**
 * An outgoing message as parts in order ({@link MessageParts}), so that nothing after the spool copies the
 * bytes it passes through: the transform puts its new header block (and any text part it rewrote) before
 * views of the spooled message, the signer puts its DKIM-Signature field before those, and the transport
 * streams the parts in slices. A 25 MB attachment thus exists once in memory (as read from the spool)
 * however many stages handle it; joining the parts into one Buffer is for small messages and tests.
 */
import { Readable } from "node:stream";
import type { MessageParts } from "./types.js";

/** Largest piece a stream of parts emits (a view, never a copy). */
export const SLICE_BYTES = 64 * 1024;

/**
 * @example messageParts(head, body).size === head.length + body.length
 */
export function messageParts(...parts: Buffer[]): MessageParts {
  return { parts, size: parts.reduce((n, p) => n + p.length, 0) };
}

/** `message` with `first` in front of it (the parts themselves are shared, not copied). */
export function prependPart(first: Buffer, message: MessageParts): MessageParts {
  return { parts: [first, ...message.parts], size: first.length + message.size };
}

/** The whole message in one Buffer (one copy of every part). */
export function joinParts(message: MessageParts): Buffer {
  return message.parts.length === 1 ? message.parts[0]! : Buffer.concat(message.parts as Buffer[], message.size);
}

/**
 * A new byte stream of the message, in slices of at most {@link SLICE_BYTES} (views of the parts), so a
 * consumer that transforms each chunk (dot-stuffing, canonicalisation) never handles a whole attachment at
 * once. Each call starts from the beginning.
 */
export function partsStream(message: MessageParts): Readable {
  function* slices(): Generator<Buffer> {
    for (const part of message.parts) {
      for (let at = 0; at < part.length; at += SLICE_BYTES) yield part.subarray(at, at + SLICE_BYTES);
    }
  }
  return Readable.from(slices(), { objectMode: false });
}

/** Up to this size a consumer gets the message joined into one Buffer ({@link partsSource}). */
export const JOIN_BELOW_BYTES = 256 * 1024;

/**
 * What to hand a library that reads a message (mailauth's signer, nodemailer's `raw`): a small message
 * joined into one Buffer (a copy that costs less than a stream does), a larger one as
 * {@link partsStream}, so that its size in memory stays that of its parts.
 */
export function partsSource(message: MessageParts): Buffer | Readable {
  return message.size < JOIN_BELOW_BYTES ? joinParts(message) : partsStream(message);
}

/** The line ending of the message's first line: CRLF, or LF for a bare-LF message (CRLF when it has none). */
export function lineEndingOf(message: MessageParts): "\r\n" | "\n" {
  let prev = -1;
  for (const part of message.parts) {
    const lf = part.indexOf(0x0a);
    if (lf >= 0) return (lf > 0 ? part[lf - 1] : prev) === 0x0d ? "\r\n" : "\n";
    if (part.length > 0) prev = part[part.length - 1]!;
  }
  return "\r\n";
}
