/**
 * The forward banner (addy.io `banner_location`, shared reference "Banner" and §2.4 "Body"): a few lines
 * at the top or bottom of the forwarded message's displayed text naming the alias (and its
 * description), the original sender and us, with a one-click "Deactivate this alias" link.
 *
 * - Where: per `plan.display.bannerLocation` (`off`: nothing changes). The parts are chosen by
 *   ./banner-parts.ts (first text/plain and text/html, both of a multipart/alternative; never
 *   attachments, nested messages, or anything signed or encrypted) and written by ./banner-insert.ts
 *   (transfer encoding and charset kept).
 * - What: the shared shape of ./banner-markers.ts, which the reply scrubber (./scrub.ts) removes again
 *   when the owner's reply quotes it; the link is the plan's `display.deactivateUrl`, made and signed by
 *   the Worker at RCPT time, so this stays a pure function.
 * - The rest of the message stays byte for byte: the byte-preserving MIME tree (./mime-tree.ts) replaces
 *   only the chosen leaves, and no header field changes.
 */
import type { ForwardPlan } from "../../common/internal-api.js";
import { DEFAULT_APP_NAME } from "./banner-markers.js";
import { type BannerWords, canTakeBanner, insertBanner } from "./banner-insert.js";
import { bannerParts, replaceLeaves } from "./banner-parts.js";
import { type MimeLeaf, mimeChunks, parseMimeSync } from "./mime-tree.js";
import { cteOf, decodeBody } from "./transfer-encoding.js";

/** Longest sender address shown (RFC 5321 §4.5.3.1.3 allows a path of 256 octets). */
const MAX_SENDER = 254;
/** Longest product name shown. */
const MAX_APP_NAME = 64;
/** A link the banner may show: http(s), nothing that could leave an attribute or a line. */
const SAFE_URL = /^https?:\/\/[\x21-\x7e]{1,2040}$/i;

/** One line of display text: control and bidirectional-override characters removed, cut to `max` characters. */
function clean(text: string, max: number): string {
  const one = text.replace(/[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]+/gu, " ").replace(/\s+/g, " ").trim();
  const chars = [...one];
  return chars.length > max ? `${chars.slice(0, max - 3).join("")}...` : one;
}

/**
 * The body of `raw` with the banner applied per `plan.display.bannerLocation`.
 *
 * @param raw the whole message as received
 * @param bodyOffset where its body starts (`parseHeaderFields(raw).bodyOffset`)
 * @param sender the original sender to name: the From address, else the envelope sender; null for none
 * @returns the new body bytes (the header block is never changed by the banner); the original body
 *   (the same bytes) when the banner is off or the message has no part that may take one
 */
export function applyBanner(raw: Buffer, bodyOffset: number, plan: ForwardPlan, sender: string | null): Buffer {
  const chunks = bannerBodyChunks(raw, bodyOffset, plan, sender);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/**
 * {@link applyBanner}'s body as a list of pieces in order, without copying the message: every piece the
 * banner does not change is a view of `raw` (an attachment stays where it is). For transforms that
 * assemble the outgoing message once (./forward.ts).
 */
export function bannerBodyChunks(raw: Buffer, bodyOffset: number, plan: ForwardPlan, sender: string | null): Buffer[] {
  const original = [raw.subarray(bodyOffset)];
  const position = plan.display.bannerLocation;
  if (position === "off") return original;

  const tree = parseMimeSync(raw);
  const decoded = (leaf: MimeLeaf) => decodeBody(leaf.body, cteOf(leaf.fields));
  const { plain, html } = bannerParts(tree, decoded);
  const { aliasDescription, appName, deactivateUrl } = plan.display;
  const words: BannerWords = {
    alias: plan.aliasEmail,
    sender: sender ? clean(sender, MAX_SENDER) || null : null,
    description: aliasDescription ? clean(aliasDescription, 1000) || null : null, // cut to length by the markers
    appName: (appName && clean(appName, MAX_APP_NAME)) || DEFAULT_APP_NAME,
    deactivateUrl: deactivateUrl && SAFE_URL.test(deactivateUrl) && !/["'<>\\]/.test(deactivateUrl) ? deactivateUrl : undefined,
  };
  const replaced = new Map<MimeLeaf, MimeLeaf>();
  for (const leaf of [plain, html]) {
    if (leaf && canTakeBanner(leaf)) replaced.set(leaf, insertBanner(leaf, words, position));
  }
  if (replaced.size === 0) return original;
  return mimeChunks(replaceLeaves(tree, replaced)).slice(1); // all but the top-level header block
}
