/**
 * The forward banner's fixed shape, shared by what writes it (the forward banner, ./banner.ts) and by the
 * reply scrubber (./scrub.ts), which removes it when the owner's reply quotes it:
 *
 * - text: the sentence `This email was sent to <alias> (<description>) from <sender> and has been
 *   forwarded by <app>.` wrapped at 72 characters, then `Deactivate this alias: <link>`;
 * - HTML: an element carrying the class `veilmail-banner` around the same sentence and an
 *   `<a href="<link>">Deactivate this alias</a>`.
 *
 * The scrubber also recognises the sentence when a mail client re-wraps it across quoted lines
 * (`> This email was sent to … and has been\n> forwarded by …`) or drops the class (it matches the words
 * between tags), and removes every deactivate link ({@link deactivateLinkPattern}) wherever it is: the
 * link switches the alias off without a login, so it must never reach a correspondent.
 */
import { DEACTIVATE_PATH } from "../../common/internal-api.js";

/** The class (and id prefix) that marks the HTML banner element. */
export const BANNER_CLASS = "veilmail-banner";

/** The product name a banner names when the plan carries none (plans made before it did). */
export const DEFAULT_APP_NAME = "Veilmail";

/** The words of the deactivate link. */
export const DEACTIVATE_LABEL = "Deactivate this alias";

/** Longest description the banner shows (characters); longer ones are cut with `...`. */
export const BANNER_DESCRIPTION_MAX = 60;

/**
 * Lines are wrapped at this many characters where there is a space: under RFC 5322 §2.1.1's 78, with
 * room for quote markers, and short enough that an ASCII line needs no quoted-printable soft break.
 */
const WRAP_AT = 72;

/** What a banner says besides the sentence's fixed words. */
export interface BannerExtras {
  /** The alias's description, shown in parentheses after the alias (cut to {@link BANNER_DESCRIPTION_MAX}). */
  description?: string | null | undefined;
  /** The signed deactivate link (absent: no link). */
  deactivateUrl?: string | undefined;
}

/** The description as the banner shows it: one line, at most {@link BANNER_DESCRIPTION_MAX} characters; null when empty. */
export function bannerDescription(description: string | null | undefined): string | null {
  const one = (description ?? "").replace(/\s+/g, " ").trim();
  if (!one) return null;
  const chars = [...one];
  return chars.length > BANNER_DESCRIPTION_MAX ? `${chars.slice(0, BANNER_DESCRIPTION_MAX - 3).join("").trimEnd()}...` : one;
}

/**
 * The banner sentence.
 * @example bannerText("shop@jane.example.net", "alice@sender.example", "Veilmail", "Online shopping")
 *   // "This email was sent to shop@jane.example.net (Online shopping) from alice@sender.example and has been forwarded by Veilmail."
 */
export function bannerText(alias: string, sender: string, appName: string, description?: string | null): string {
  const shown = bannerDescription(description);
  return `This email was sent to ${alias}${shown ? ` (${shown})` : ""} from ${sender} and has been forwarded by ${appName}.`;
}

/**
 * The text banner's lines (without line endings): the sentence wrapped at 72 characters where a space
 * allows, then the deactivate line. A word longer than that (a long address) stays whole on its line.
 */
export function bannerTextLines(alias: string, sender: string, appName: string, extras: BannerExtras = {}): string[] {
  const lines = wrap(bannerText(alias, sender, appName, extras.description), WRAP_AT);
  if (extras.deactivateUrl) lines.push(`${DEACTIVATE_LABEL}: ${extras.deactivateUrl}`);
  return lines;
}

/**
 * The HTML banner element, ASCII only (every other character as a numeric character reference, so it
 * reads the same in a part of any charset), inline styles only, every interpolated text escaped.
 * @param extras also `position`: `top` draws a rule below the banner, `bottom` above it
 * @param eol the line ending between its lines (each line is short: the sentence is wrapped)
 */
export function bannerHtml(alias: string, sender: string, appName: string, extras: BannerExtras & { position?: "top" | "bottom" } = {}, eol = "\r\n"): string {
  const rule = extras.position === "bottom" ? "margin:12px 0 0 0;border-top:1px solid #d0d0d0" : "margin:0 0 12px 0;border-bottom:1px solid #d0d0d0";
  const style = `${rule};padding:6px 0;font-family:Arial,Helvetica,sans-serif;font-size:12px;line-height:1.4;color:#555555`;
  const lines = [`<div class="${BANNER_CLASS}" style="${style}">`];
  lines.push(...wrap(escapeHtml(bannerText(alias, sender, appName, extras.description)), WRAP_AT));
  if (extras.deactivateUrl) {
    lines.push(`<a href="${escapeHtml(extras.deactivateUrl)}" style="color:#555555;text-decoration:underline">${DEACTIVATE_LABEL}</a>`);
  }
  lines.push("</div>");
  return lines.join(eol);
}

/** HTML-escapes `text` (`& < > " '`) and writes every non-ASCII character as `&#x…;`. */
export function escapeHtml(text: string): string {
  const named: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  return text.replace(/[&<>"']|[^\x20-\x7e]/gu, (ch) => named[ch] ?? `&#x${ch.codePointAt(0)!.toString(16).toUpperCase()};`);
}

/**
 * A pattern for the banner sentence in text or HTML: words separated by whitespace, quote markers at the
 * start of re-wrapped lines, tags or `&nbsp;`; up to the sentence's end.
 */
export function bannerSentencePattern(): RegExp {
  const gap = String.raw`(?:\s|&nbsp;|<[^>]{0,200}>|^[ \t]*(?:>[ \t]?)+)+`;
  const words = ["This", "email", "was", "sent", "to"].join(gap);
  // Alias, description (escaped: up to 10 characters each in HTML) and sender.
  const any = String.raw`(?:(?!This${gap}email${gap}was)[\s\S]){1,1200}?`;
  return new RegExp(`${words}${any}${gap}and${gap}has${gap}been${gap}forwarded${gap}by${gap}[^\\s<.]{1,60}\\.?`, "gim");
}

/**
 * A pattern for a deactivate link wherever it is: an HTML `<a>` element pointing at it (with its
 * content), or the bare URL (optionally in angle brackets) with the `Deactivate this alias:` words before
 * it, also when a quoting client has re-wrapped them (`> ` markers), or wrapped in another URL with the
 * path percent-encoded (the whole wrapping URL goes). Only URLs that hold `/deactivate/<payload>.<signature>`
 * match, so other links of that name are left alone.
 */
export function deactivateLinkPattern(): RegExp {
  // The path also percent-encoded: link-protection services (Outlook's Safe Links) wrap every link as
  // `…?url=https%3A%2F%2F<host>%2Fdeactivate%2F<token>`, and a reply quotes the wrapped link.
  const path = DEACTIVATE_PATH.split("/").map(escapeRe).join("(?:/|%2F)");
  const token = String.raw`${path}[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}`;
  const url = String.raw`(?:https?://[^\s"'<>]{0,2000}?)?${token}[^\s"'<>]{0,2000}`;
  const anchor = String.raw`<a\b[^>]{0,400}?href\s*=\s*["']?${url}[^>]{0,400}>[\s\S]{0,400}?</a\s*>`;
  const gap = String.raw`(?:[ \t]|\r?\n[ \t]*(?:>[ \t]?)*)+`;
  const label = DEACTIVATE_LABEL.split(" ").join(gap);
  return new RegExp(String.raw`${anchor}|(?:${label}:?${gap})?<?${url}>?`, "gi");
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Words of `text` in lines of at most `width` characters where spaces allow. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
