/**
 * Which parts of a message get the forward banner: the message's displayed text, i.e. its first
 * text/plain and text/html body parts, both alternatives of a multipart/alternative included.
 *
 * - multipart/alternative: every alternative is looked at (a multipart/related alternative through its
 *   root, the first part); the first text/plain and the first text/html found are taken.
 * - any other multipart (mixed, related, report, …): the first part that yields a body part; the parts
 *   after it are attachments or inline content and are never touched.
 * - never: attachments (`Content-Disposition: attachment`), message/rfc822 parts (a forwarded message
 *   is somebody else's text), other media types.
 * - a multipart/signed or multipart/encrypted (RFC 1847) on the way to the body makes the whole message
 *   untouchable: a banner inside would break the signature or could not be read. So does inline PGP
 *   (`-----BEGIN PGP MESSAGE-----` / `-----BEGIN PGP SIGNED MESSAGE-----` at the start of a line) in a
 *   chosen part. S/MIME `application/pkcs7-mime` is no text part and so never chosen.
 */
import type { MimeLeaf, MimeNode } from "./mime-tree.js";

/** The chosen parts; both absent when the message has no displayed text we may change. */
export interface BodyParts {
  plain?: MimeLeaf;
  html?: MimeLeaf;
}

const UNTOUCHABLE = Symbol("untouchable");
type Found = BodyParts | typeof UNTOUCHABLE;

const isAttachment = (leaf: MimeLeaf) => /^\s*attachment\b/i.test(leaf.fields.find((f) => f.key === "content-disposition")?.value ?? "");

function walk(node: MimeNode): Found {
  if (node.kind === "message") return {};
  if (node.kind === "leaf") {
    if (isAttachment(node)) return {};
    if (node.type === "text/plain") return { plain: node };
    if (node.type === "text/html") return { html: node };
    return {};
  }
  if (node.type === "multipart/signed" || node.type === "multipart/encrypted") return UNTOUCHABLE;
  if (node.type === "multipart/alternative") {
    const found: BodyParts = {};
    for (const part of node.parts) {
      const r = walk(part.node);
      if (r === UNTOUCHABLE) return UNTOUCHABLE;
      found.plain ??= r.plain;
      found.html ??= r.html;
    }
    return found;
  }
  for (const part of node.parts) {
    const r = walk(part.node);
    if (r === UNTOUCHABLE || r.plain || r.html) return r;
  }
  return {};
}

/**
 * The parts the banner goes into (see the module comment).
 * @param decoded a part's body decoded to octets (its transfer encoding undone), for the inline PGP check
 * @returns the parts, or `{}` when the message must stay as it is
 */
export function bannerParts(tree: MimeNode, decoded: (leaf: MimeLeaf) => Buffer): BodyParts {
  const found = walk(tree);
  if (found === UNTOUCHABLE) return {};
  const chosen = [found.plain, found.html].filter((l): l is MimeLeaf => l !== undefined);
  const pgp = /^-----BEGIN PGP (?:SIGNED )?MESSAGE-----/m;
  if (chosen.some((leaf) => pgp.test(decoded(leaf).toString("latin1")))) return {};
  return found;
}

/** `tree` with the leaves in `replaced` swapped (by identity); untouched subtrees are shared. */
export function replaceLeaves(tree: MimeNode, replaced: ReadonlyMap<MimeLeaf, MimeLeaf>): MimeNode {
  switch (tree.kind) {
    case "leaf": return replaced.get(tree) ?? tree;
    case "message": return tree;
    case "multipart": return { ...tree, parts: tree.parts.map((p) => ({ ...p, node: replaceLeaves(p.node, replaced) })) };
  }
}
