/**
 * Putting the banner into one text/plain or text/html part: decode its transfer encoding, insert the
 * banner at the top or bottom of the text, encode it again the way it was encoded. Header fields of the
 * part never change, so the banner must fit the part as it is:
 *
 * - charset: the text is handled as octets (Latin-1, one character per octet), so in every
 *   ASCII-compatible charset the part's own octets go out unchanged. The banner's words are UTF-8 only in
 *   a UTF-8 part whose encoding may carry 8-bit data; anywhere else they are ASCII (the description
 *   transliterated, or left out when it has no ASCII form; ./ascii.ts). HTML banners are always ASCII
 *   (numeric character references). Parts in charsets that are not ASCII-compatible (UTF-16, UTF-32,
 *   UTF-7) and unknown transfer encodings are left alone.
 * - lines: the banner is put between line breaks of its own and its lines are short, so no line grows;
 *   quoted-printable and base64 are re-wrapped at 76 (RFC 2045 §6.7, §6.8).
 */
import { asciiAddress, transliterate } from "./ascii.js";
import { DEFAULT_APP_NAME, bannerHtml, bannerTextLines } from "./banner-markers.js";
import type { MimeLeaf } from "./mime-tree.js";
import { KNOWN_ENCODINGS, cteOf, decodeBody, encodeBody } from "./transfer-encoding.js";

/** What the banner says, before it is fitted to a part's charset. */
export interface BannerWords {
  alias: string;
  /** The original sender's address; null when the message named none. */
  sender: string | null;
  description: string | null;
  appName: string;
  deactivateUrl?: string | undefined;
}

const NOT_ASCII_COMPATIBLE = /^(?:utf-?(?:16|32)|ucs-?[24]|utf-?7|unicode)/i;
const UNKNOWN_SENDER = "an unknown sender";

/** Whether `leaf` can take a banner at all (known transfer encoding, ASCII-compatible charset). */
export function canTakeBanner(leaf: MimeLeaf): boolean {
  return KNOWN_ENCODINGS.has(cteOf(leaf.fields)) && !NOT_ASCII_COMPATIBLE.test(leaf.params.charset ?? "");
}

/**
 * `leaf` with the banner at `position`, or `leaf` itself when it cannot take one ({@link canTakeBanner}).
 * The body keeps its transfer encoding, and whether it ended with a line break.
 */
export function insertBanner(leaf: MimeLeaf, words: BannerWords, position: "top" | "bottom"): MimeLeaf {
  if (!canTakeBanner(leaf)) return leaf;
  const cte = cteOf(leaf.fields);
  const text = decodeBody(leaf.body, cte).toString("latin1");
  const eol = text.includes("\r\n") ? "\r\n" : text.includes("\n") ? "\n" : leaf.eol;
  const charset = (leaf.params.charset ?? "us-ascii").toLowerCase();
  const utf8 = (charset === "utf-8" || charset === "utf8") && cte !== "7bit";
  const sender = words.sender ?? UNKNOWN_SENDER;

  let banner: Buffer;
  let html = false;
  if (leaf.type === "text/html") {
    html = true;
    banner = Buffer.from(bannerHtml(words.alias, sender, words.appName, { description: words.description, deactivateUrl: words.deactivateUrl, position }, eol), "latin1");
  } else if (utf8) {
    banner = Buffer.from(bannerTextLines(words.alias, sender, words.appName, words).join(eol), "utf8");
  } else {
    const lines = bannerTextLines(words.alias, words.sender ? asciiAddress(sender) : sender, transliterate(words.appName) ?? DEFAULT_APP_NAME, {
      description: words.description === null ? null : transliterate(words.description), deactivateUrl: words.deactivateUrl,
    });
    banner = Buffer.from(lines.join(eol), "latin1");
  }
  const inserted = (html ? intoHtml : intoText)(text, banner.toString("latin1"), position, eol);
  let body = encodeBody(Buffer.from(inserted, "latin1"), cte, leaf.eol);
  if (cte === "base64" || cte === "quoted-printable") body = sameEnding(body, leaf.body, leaf.eol);
  return { ...leaf, body };
}

/** Text: the banner's lines and an empty line before the text, or an empty line and the banner after it. */
function intoText(text: string, banner: string, position: "top" | "bottom", eol: string): string {
  if (position === "top") return `${banner}${eol}${eol}${text}`;
  const trail = /(?:\r?\n)*$/.exec(text)![0];
  const content = text.slice(0, text.length - trail.length);
  return `${content}${content ? `${eol}${eol}` : ""}${banner}${trail}`;
}

/**
 * HTML: top just after `<body …>` (else after `</head>`, after `<html …>`, or at the start); bottom just
 * before the last `</body>` (else before `</html>`, or at the end).
 */
function intoHtml(text: string, banner: string, position: "top" | "bottom", eol: string): string {
  if (position === "top") {
    const open = /<body\b[^>]*>/i.exec(text) ?? /<\/head\s*>/i.exec(text) ?? /<html\b[^>]*>/i.exec(text);
    const at = open ? open.index + open[0].length : 0;
    return `${text.slice(0, at)}${at > 0 ? eol : ""}${banner}${eol}${text.slice(at)}`;
  }
  const close = lastMatch(text, /<\/body\s*>/gi) ?? lastMatch(text, /<\/html\s*>/gi);
  if (close === null) {
    const trail = /(?:\r?\n)*$/.exec(text)![0];
    const content = text.slice(0, text.length - trail.length);
    return `${content}${content ? eol : ""}${banner}${trail}`;
  }
  const before = text.slice(0, close);
  return `${before}${/\n$/.test(before) ? "" : eol}${banner}${eol}${text.slice(close)}`;
}

function lastMatch(text: string, re: RegExp): number | null {
  let at: number | null = null;
  for (const m of text.matchAll(re)) at = m.index;
  return at;
}

/** `encoded` ending with a line break exactly when `original` did (the delimiter's CRLF follows a part). */
function sameEnding(encoded: Buffer, original: Buffer, eol: string): Buffer {
  const endsWithEol = original.length > 0 && original[original.length - 1] === 0x0a;
  const has = encoded.length > 0 && encoded[encoded.length - 1] === 0x0a;
  if (endsWithEol && !has) return Buffer.concat([encoded, Buffer.from(eol)]);
  if (!endsWithEol && has) return encoded.subarray(0, encoded.length - (encoded.length > 1 && encoded[encoded.length - 2] === 0x0d ? 2 : 1));
  return encoded;
}
