/**
 * Removing what must never reach a correspondent from the text of a reply (DESIGN §3 transform, issue 3
 * §4): the owner's real addresses (replaced by the alias, also in `mailto:` links, URL-encoded or with
 * the `@` written as an HTML entity), our forward banner and any link to deactivate an alias
 * (./banner-markers.ts: the link works without a login, so a correspondent must never get it) and our
 * `X-Veilmail-*` header lines when quoted; reverse aliases are turned back into the correspondents' own
 * addresses, so quoted text reads naturally. Pure string functions; the caller decodes and re-encodes MIME parts.
 */
import { BANNER_CLASS, bannerSentencePattern, deactivateLinkPattern } from "./banner-markers.js";

export interface ScrubRules {
  /** The alias: what the owner's addresses become. */
  alias: string;
  /** Every address of the owner (lower or mixed case). */
  ownerAddresses: readonly string[];
  /** Reverse alias → the correspondent it stands for. */
  reverseAliases: ReadonlyArray<{ address: string; real: string }>;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const AT = String.raw`(?:@|%40|&#0*64;|&#x0*40;|&commat;)`;
// An address continues when a local-part character comes before it, or a domain character after it.
const BEFORE = String.raw`(?<![A-Za-z0-9!#$%&'*+/=?^_\`{|}~.-])`;
const AFTER = String.raw`(?!\.?[A-Za-z0-9-])`;

/** A pattern for one address in its written forms (case-insensitive, whole address only). */
export function addressPattern(address: string): RegExp {
  const at = address.lastIndexOf("@");
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  return new RegExp(`${BEFORE}${escape(local)}${AT}${escape(domain)}${AFTER}`, "gi");
}

/** Removes HTML elements marked with the banner class (and what they contain). */
function removeBannerElements(html: string): string {
  const open = new RegExp(`<([a-z][a-z0-9]*)\\b[^>]*\\b${BANNER_CLASS}\\b[^>]*>`, "i");
  for (let guard = 0; guard < 50; guard++) {
    const m = open.exec(html);
    if (!m) break;
    const tag = m[1]!.toLowerCase();
    const tags = new RegExp(`<(/?)${tag}\\b[^>]*>`, "gi");
    tags.lastIndex = m.index + m[0].length;
    let depth = 1;
    let end = html.length;
    for (let t = tags.exec(html); t; t = tags.exec(html)) {
      depth += t[1] ? -1 : 1;
      if (depth === 0) { end = t.index + t[0].length; break; }
    }
    html = html.slice(0, m.index) + html.slice(end);
  }
  return html;
}

/**
 * Scrubs one text or HTML body (see the file header).
 * @param html true for text/html (banner elements and HTML line breaks are handled)
 * @example scrubText("Write to jo@mailbox.example", { alias: "shop@demo.test", ownerAddresses: ["jo@mailbox.example"], reverseAliases: [] }, false)
 *   // "Write to shop@demo.test"
 */
export function scrubText(text: string, rules: ScrubRules, html: boolean): string {
  let out = html ? removeBannerElements(text) : text;
  out = out.replace(bannerSentencePattern(), "").replace(deactivateLinkPattern(), "");
  out = html
    ? out.replace(/X-Veilmail-[A-Za-z0-9-]+:[^<\r\n]*/gi, "")
    : out.replace(/^[ \t]*(?:>[ \t]?)*X-Veilmail-[A-Za-z0-9-]+:.*(?:\r?\n)?/gim, "");
  for (const r of rules.reverseAliases) out = out.replace(addressPattern(r.address), r.real);
  for (const owner of new Set(rules.ownerAddresses.map((a) => a.toLowerCase()))) {
    if (owner.includes("@")) out = out.replace(addressPattern(owner), rules.alias);
  }
  return out;
}

/** Whether `text` still holds one of `addresses` in any written form (used by tests and as a last check). */
export function containsAddress(text: string, addresses: readonly string[]): boolean {
  return addresses.some((a) => a.includes("@") && addressPattern(a).test(text));
}
