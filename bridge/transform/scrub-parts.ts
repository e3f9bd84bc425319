/**
 * Scrubbing every text part of a MIME tree (./mime-tree.ts) with ./scrub.ts: each text/* leaf is decoded
 * (base64 or quoted-printable), scrubbed and, when something changed, encoded the same way again; quoted
 * messages (message/rfc822) also get their header blocks scrubbed (./header-scrub.ts). Parts that need no
 * change keep their bytes.
 *
 * Text is handled as Latin-1 (one character per octet): the addresses and markers we look for are ASCII,
 * so in any ASCII-compatible charset (UTF-8, ISO-8859-*, windows-125*, ISO-2022-JP, …) every octet we do
 * not replace goes out unchanged and no charset conversion can damage the text. UTF-16 and UTF-32 parts
 * are decoded properly and re-encoded as UTF-8.
 */
import * as mimeFuncs from "nodemailer/lib/mime-funcs";
import { fold, MAX_LINE_OCTETS } from "./header-format.js";
import { scrubHeaderBlock } from "./header-scrub.js";
import type { MimeLeaf, MimeNode } from "./mime-tree.js";
import type { HeaderField } from "./parse.js";
import { type ScrubRules, scrubText } from "./scrub.js";
import { cteOf, decodeBody, encodeBody } from "./transfer-encoding.js";

export { decodeQuotedPrintable } from "./transfer-encoding.js";

const linesFit = (bytes: Buffer) => bytes.toString("latin1").split(/\r?\n/).every((l) => l.length <= MAX_LINE_OCTETS);

/** One text leaf scrubbed, or the same leaf when nothing changed. */
function scrubLeaf(leaf: MimeLeaf, rules: ScrubRules): MimeLeaf {
  const cte = cteOf(leaf.fields);
  const bytes = decodeBody(leaf.body, cte);
  const wide = /^utf-?(16|32)/i.test(leaf.params.charset ?? "");
  const text = wide ? new TextDecoder(leaf.params.charset!).decode(bytes) : bytes.toString("latin1");
  const scrubbed = scrubText(text, rules, leaf.type === "text/html");
  if (scrubbed === text) return leaf;
  const outBytes = wide ? Buffer.from(scrubbed, "utf8") : Buffer.from(scrubbed, "latin1");
  // 7bit/8bit/binary stay as they were unless a line grew past 998 octets (RFC 5322 §2.1.1).
  const outCte = cte === "base64" || cte === "quoted-printable" || linesFit(outBytes) ? cte : "quoted-printable";
  if (outCte === cte && !wide) return { ...leaf, body: encodeBody(outBytes, cte, leaf.eol) };
  const field = (name: string, value: string): HeaderField => ({
    name, key: name.toLowerCase(), value, raw: Buffer.from(fold(name, value, leaf.eol) + leaf.eol, "latin1"),
  });
  const fields = leaf.fields.filter((f) => f.key !== "content-transfer-encoding" && (!wide || f.key !== "content-type"));
  if (wide) fields.push(field("Content-Type", mimeFuncs.buildHeaderValue({ value: leaf.type, params: { ...leaf.params, charset: "utf-8" } })));
  fields.push(field("Content-Transfer-Encoding", outCte));
  const head = Buffer.concat([...fields.map((f) => f.raw), Buffer.from(leaf.eol)]);
  return { ...leaf, head, fields, body: encodeBody(outBytes, outCte, leaf.eol) };
}

/**
 * Scrubs every text part of `node`. A leaf whose transfer encoding or charset had to change gets new
 * Content-* fields (in `fields` and `head`); otherwise header blocks are left to the caller (the top
 * level is rewritten by ./reply.ts). Returns a new tree; unchanged subtrees are shared.
 */
export function scrubTree(node: MimeNode, rules: ScrubRules): MimeNode {
  switch (node.kind) {
    case "leaf": return node.type.startsWith("text/") ? scrubLeaf(node, rules) : node;
    case "multipart": return { ...node, parts: node.parts.map((p) => ({ ...p, node: scrubTree(p.node, rules) })) };
    case "message": {
      const inner = scrubTree(node.inner, rules);
      return { ...node, inner: { ...inner, head: scrubHeaderBlock(inner.fields, rules, inner.eol) } };
    }
  }
}
