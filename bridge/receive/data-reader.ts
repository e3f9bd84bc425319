/**
 * Reads the DATA stream smtp-server hands to `onData` (dot-unstuffed, terminator removed) to the end,
 * passing the bytes on as they arrive (to the spool writer) while they are within the size limit and
 * keeping only the header section in memory, and checking line endings on the way: RFC 5321 §2.3.8
 * allows CR and LF only together as CRLF. A bare CR or bare LF lets a sender smuggle a second message
 * past servers that read line ends differently (SMTP smuggling, CVE-2023-51764/5/6); smtp-server does
 * not check this, so we do.
 */
import type { Readable } from "node:stream";

export interface ReceivedData {
  /**
   * The header section through the empty line that ends it (the whole message when it has none);
   * empty when the message was over the limit.
   */
  header: Buffer;
  /** Octets received. */
  size: number;
  /** More than `maxBytes` octets arrived; the bytes past the limit were read and dropped. */
  overSize: boolean;
  /** A CR not followed by LF, or an LF not preceded by CR, occurred somewhere. */
  bareLineEnding: boolean;
  /** Received header fields in the header section (hop count, RFC 5321 §6.3). */
  hops: number;
}

const CR = 0x0d;
const LF = 0x0a;
const HEADER_END = Buffer.from("\r\n\r\n");

/**
 * Consumes `stream` completely.
 * @param maxBytes pass on at most this many octets; past it `overSize` is set and nothing more is passed on
 * @param write receives each chunk in order, as long as the message is within `maxBytes` and no bare line
 *   ending was seen (a refused message needs no more bytes stored); awaited, so a slow writer slows the
 *   client down instead of piling up chunks
 * @throws the stream's error when the client went away before the end of DATA (nothing may be kept then)
 */
export async function readData(stream: Readable, maxBytes: number, write: (chunk: Buffer) => Promise<void> | void): Promise<ReceivedData> {
  const lines = lineEndingCheck();
  const header: Buffer[] = [];
  let headerBytes = 0;
  let headerDone = false;
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (chunk.length === 0) continue;
    lines.feed(chunk);
    size += chunk.length;
    if (size > maxBytes) {
      header.length = 0;
      headerDone = true;
      continue;
    }
    if (!headerDone) {
      const end = headerEnd(header, headerBytes, chunk);
      const kept = end < 0 ? chunk : chunk.subarray(0, end);
      header.push(kept);
      headerBytes += kept.length;
      headerDone = end >= 0;
    }
    if (!lines.bare) await write(chunk);
  }
  const bare = lines.end();
  const head = size > maxBytes ? Buffer.alloc(0) : Buffer.concat(header, headerBytes);
  return { header: head, size, overSize: size > maxBytes, bareLineEnding: bare, hops: countReceived(head) };
}

/**
 * Where in `chunk` the header section ends (the offset just past its empty line), given the header bytes
 * before it; -1 when it does not end in this chunk. A message that starts with CRLF has an empty header.
 */
function headerEnd(before: Buffer[], beforeBytes: number, chunk: Buffer): number {
  if (beforeBytes === 0 && chunk[0] === CR && chunk[1] === LF) return 2;
  if (beforeBytes === 1 && before[0]![0] === CR && chunk[0] === LF) return 1; // the message started with CR | LF
  // The empty line may straddle chunks: look at the last 3 octets before this chunk together with it.
  const tail = lastBytes(before, Math.min(3, beforeBytes));
  if (tail.length > 0) {
    const at = Buffer.concat([tail, chunk.subarray(0, 3)]).indexOf(HEADER_END);
    if (at >= 0) return at + 4 - tail.length;
  }
  const at = chunk.indexOf(HEADER_END);
  return at < 0 ? -1 : at + 4;
}

function lastBytes(chunks: Buffer[], n: number): Buffer {
  const out: Buffer[] = [];
  for (let i = chunks.length - 1; i >= 0 && n > 0; i--) {
    const c = chunks[i]!;
    const take = c.subarray(Math.max(0, c.length - n));
    out.unshift(take);
    n -= take.length;
  }
  return Buffer.concat(out);
}

/** The CRLF-only check over a stream of chunks (a CRLF may be split between two chunks). */
function lineEndingCheck(): { feed(chunk: Buffer): void; readonly bare: boolean; end(): boolean } {
  let bare = false;
  let prevCR = false; // the previous chunk ended with a CR
  return {
    feed(chunk) {
      if (bare || chunk.length === 0) return;
      if (prevCR && chunk[0] !== LF) { bare = true; return; }
      for (let i = chunk.indexOf(LF, prevCR ? 1 : 0); i >= 0; i = chunk.indexOf(LF, i + 1)) {
        if (i === 0 ? !prevCR : chunk[i - 1] !== CR) { bare = true; return; }
      }
      for (let i = chunk.indexOf(CR); i >= 0; i = chunk.indexOf(CR, i + 1)) {
        if (i + 1 < chunk.length && chunk[i + 1] !== LF) { bare = true; return; }
      }
      prevCR = chunk[chunk.length - 1] === CR;
    },
    get bare() { return bare; },
    end() { return bare || prevCR; }, // a CR at the very end
  };
}

/** Number of `Received:` fields in the header section of `raw`. */
export function countReceived(raw: Buffer): number {
  const end = raw.indexOf("\r\n\r\n");
  const header = raw.subarray(0, end < 0 ? raw.length : end).toString("latin1");
  return header.match(/^received[ \t]*:/gim)?.length ?? 0;
}
