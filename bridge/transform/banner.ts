/**
 * Seam for the forward banner (addy.io `banner_location` top / bottom / off: a line naming the alias, its
 * description and the sender, in the text and HTML parts).
 *
 * NOT IMPLEMENTED: this is a documented no-op and the body is forwarded byte for byte whatever
 * `plan.display.bannerLocation` says. Doing it properly means walking the MIME tree, decoding the main
 * text/plain and text/html parts (transfer encoding and charset), inserting the banner, re-encoding them and
 * leaving signed or encrypted messages (multipart/signed, multipart/encrypted, inline PGP) untouched; that
 * is a later issue with its own golden files. It is kept here so that the forward composer already calls
 * the banner step in the right place (after the header rewrite, before signing). The banner's words and
 * marker class are fixed in ./banner-markers.ts: write it with those builders, because the reply rewrite
 * (./scrub.ts) finds and removes it by them when the owner's reply quotes it.
 */
import type { ForwardPlan } from "../../common/internal-api.js";
import type { HeaderField } from "./parse.js";

/** A message's header fields (in order) and body bytes. */
export interface MessageParts {
  fields: HeaderField[];
  body: Buffer;
}

/**
 * Returns the message with the alias banner applied per `plan.display.bannerLocation`.
 * Currently returns `message` unchanged (see the module comment).
 */
export function applyBanner(message: MessageParts, plan: ForwardPlan): MessageParts {
  void plan;
  return message;
}
