/**
 * A MIME message as a tree that serialises back to the same bytes (RFC 2045–2046): each node keeps its
 * raw header block, multiparts keep their preamble, delimiter lines, the line ending before each
 * delimiter (which belongs to the delimiter, RFC 2046 §5.1.1) and everything from the close delimiter
 * on. A transform replaces only the nodes it changes; every other byte goes out as it came, so signed
 * or encoded parts it does not touch stay intact.
 */
import * as mimeFuncs from "nodemailer/lib/mime-funcs";
import { type HeaderField, parseHeaderFieldsSync } from "./parse.js";

/** A node's header block: raw bytes (through the empty line) and the parsed fields. */
interface NodeHead {
  head: Buffer;
  fields: HeaderField[];
  eol: "\r\n" | "\n";
  /** Lower-case media type (`text/plain` when absent, RFC 2045 §5.2) and its parameters (names lower case). */
  type: string;
  params: Record<string, string>;
}

export interface MimeLeaf extends NodeHead {
  kind: "leaf";
  body: Buffer;
}

export interface MimeMultipart extends NodeHead {
  kind: "multipart";
  preamble: Buffer;
  parts: { delimiter: Buffer; node: MimeNode; trailer: Buffer }[];
  /** The close delimiter line and the epilogue (empty when the close delimiter is missing). */
  tail: Buffer;
}

export interface MimeMessage extends NodeHead {
  kind: "message";
  inner: MimeNode;
}

export type MimeNode = MimeLeaf | MimeMultipart | MimeMessage;

/** Nesting deeper than this is left as an opaque leaf. */
export const MAX_DEPTH = 20;

/**
 * Parses `raw` into a tree. Never throws on malformed input: what cannot be split stays a leaf.
 * @example serializeMime(await parseMime(raw)).equals(raw) // true
 */
export async function parseMime(raw: Buffer, depth = 0): Promise<MimeNode> {
  return parseMimeSync(raw, depth);
}

/** The same as {@link parseMime}, synchronously (it does no I/O), for transforms that must stay synchronous. */
export function parseMimeSync(raw: Buffer, depth = 0): MimeNode {
  const parsed = parseHeaderFieldsSync(raw);
  const ct = parsed.fields.find((f) => f.key === "content-type");
  const { value, params } = ct ? mimeFuncs.parseHeaderValue(ct.value) : { value: "text/plain", params: {} };
  const head: NodeHead = {
    head: raw.subarray(0, parsed.bodyOffset), fields: parsed.fields, eol: parsed.eol,
    type: value.trim().toLowerCase() || "text/plain", params,
  };
  const body = raw.subarray(parsed.bodyOffset);
  if (depth < MAX_DEPTH && head.type.startsWith("multipart/") && params.boundary) {
    const split = splitMultipart(body, params.boundary);
    if (split) {
      const parts = [];
      for (const p of split.parts) parts.push({ delimiter: p.delimiter, node: parseMimeSync(p.content, depth + 1), trailer: p.trailer });
      return { ...head, kind: "multipart", preamble: split.preamble, parts, tail: split.tail };
    }
  }
  if (depth < MAX_DEPTH && head.type === "message/rfc822" && !isEncoded(head.fields)) {
    return { ...head, kind: "message", inner: parseMimeSync(body, depth + 1) };
  }
  return { ...head, kind: "leaf", body };
}

/** The bytes of a tree. */
export function serializeMime(node: MimeNode): Buffer {
  return Buffer.concat(mimeChunks(node));
}

/**
 * The bytes of a tree as the list of its pieces in order, without copying: the pieces of unchanged nodes
 * are views of the parsed message. `Buffer.concat(mimeChunks(node))` is {@link serializeMime}.
 */
export function mimeChunks(node: MimeNode, out: Buffer[] = []): Buffer[] {
  out.push(node.head);
  switch (node.kind) {
    case "leaf": out.push(node.body); break;
    case "message": mimeChunks(node.inner, out); break;
    case "multipart":
      out.push(node.preamble);
      for (const p of node.parts) {
        out.push(p.delimiter);
        mimeChunks(p.node, out);
        out.push(p.trailer);
      }
      out.push(node.tail);
  }
  return out;
}

/** message/rfc822 must be 7bit/8bit/binary (RFC 2046 §5.2.1); an encoded one is treated as opaque. */
function isEncoded(fields: HeaderField[]): boolean {
  const cte = fields.find((f) => f.key === "content-transfer-encoding")?.value.toLowerCase() ?? "7bit";
  return cte === "base64" || cte === "quoted-printable";
}

/** Splits a multipart body at its boundary; null when no delimiter line is found. */
function splitMultipart(body: Buffer, boundary: string): { preamble: Buffer; parts: { delimiter: Buffer; content: Buffer; trailer: Buffer }[]; tail: Buffer } | null {
  const dash = Buffer.from(`--${boundary}`, "latin1");
  const lines: { start: number; end: number; close: boolean }[] = [];
  for (let pos = 0; pos < body.length;) {
    const lf = body.indexOf(0x0a, pos);
    const end = lf < 0 ? body.length : lf + 1;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d && body.subarray(pos, pos + dash.length).equals(dash)) {
      const rest = body.subarray(pos + dash.length, end).toString("latin1");
      const close = rest.startsWith("--");
      if (/^[ \t]*\r?\n?$/.test(close ? rest.slice(2) : rest)) lines.push({ start: pos, end, close });
    }
    pos = end;
  }
  const first = lines.findIndex((l) => !l.close);
  if (first < 0) return null;
  const eolBefore = (at: number): number => (at >= 2 && body[at - 2] === 0x0d && body[at - 1] === 0x0a ? 2 : at >= 1 && body[at - 1] === 0x0a ? 1 : 0);
  const parts: { delimiter: Buffer; content: Buffer; trailer: Buffer }[] = [];
  let tailStart = body.length;
  for (let i = first; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.close) { tailStart = line.start; break; }
    const next = lines[i + 1];
    const contentEnd = next ? next.start - eolBefore(next.start) : body.length;
    const end = Math.max(contentEnd, line.end);
    parts.push({ delimiter: body.subarray(line.start, line.end), content: body.subarray(line.end, end), trailer: body.subarray(end, next ? next.start : body.length) });
    if (!next) tailStart = body.length;
  }
  return { preamble: body.subarray(0, lines[first]!.start), parts, tail: body.subarray(tailStart) };
}
