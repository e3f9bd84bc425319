/**
 * Reads the DATA stream smtp-server hands to `onData` (dot-unstuffed, terminator removed) to the end,
 * keeping the bytes only while they are within the size limit, and checking line endings on the way:
 * RFC 5321 §2.3.8 allows CR and LF only together as CRLF. A bare CR or bare LF lets a sender smuggle a
 * second message past servers that read line ends differently (SMTP smuggling, CVE-2023-51764/5/6);
 * smtp-server does not check this, so we do.
 */
import type { Readable } from "node:stream";

export interface ReceivedData {
  /** The message; `null` when it was over the limit (the excess was read and dropped). */
  raw: Buffer | null;
  /** Octets received. */
  size: number;
  /** A CR not followed by LF, or an LF not preceded by CR, occurred somewhere. */
  bareLineEnding: boolean;
  /** Received header fields in the header section (hop count, RFC 5321 §6.3). */
  hops: number;
}

const CR = 0x0d;
const LF = 0x0a;

/**
 * Consumes `stream` completely.
 * @param maxBytes keep at most this many octets; past it `raw` is `null`
 * @throws the stream's error when the client went away before the end of DATA (nothing may be kept then)
 */
export async function readData(stream: Readable, maxBytes: number): Promise<ReceivedData> {
  const chunks: Buffer[] = [];
  let size = 0;
  let bare = false;
  let prevCR = false;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (!bare) {
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i];
        if (b === LF) {
          if (!prevCR) { bare = true; break; }
          prevCR = false;
        } else if (prevCR) {
          bare = true;
          break;
        } else {
          prevCR = b === CR;
        }
      }
    }
    size += chunk.length;
    if (size <= maxBytes) chunks.push(chunk);
    else chunks.length = 0;
  }
  if (prevCR && !bare) bare = true; // a CR at the very end
  const raw = size <= maxBytes ? Buffer.concat(chunks, size) : null;
  return { raw, size, bareLineEnding: bare, hops: raw ? countReceived(raw) : 0 };
}

/** Number of `Received:` fields in the header section of `raw`. */
export function countReceived(raw: Buffer): number {
  const end = raw.indexOf("\r\n\r\n");
  const header = raw.subarray(0, end < 0 ? raw.length : end).toString("latin1");
  return header.match(/^received[ \t]*:/gim)?.length ?? 0;
}
