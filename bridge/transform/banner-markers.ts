/**
 * The forward banner's fixed shape, shared by whatever writes it (the forward banner, ./banner.ts, a seam
 * still) and by the reply scrubber (./scrub.ts), which removes it when the owner's reply quotes it:
 *
 * - text: one line `This email was sent to <alias> from <sender> and has been forwarded by <app>.`
 * - HTML: an element carrying the class `veilmail-banner` around the same sentence.
 *
 * The scrubber also recognises the sentence when a mail client re-wraps it across quoted lines
 * (`> This email was sent to … and has been\n> forwarded by …`) or drops the class (it matches the words
 * between tags).
 */

/** The class (and id prefix) that marks the HTML banner element. */
export const BANNER_CLASS = "veilmail-banner";

/** The banner sentence for the text part. */
export function bannerText(alias: string, sender: string, appName: string): string {
  return `This email was sent to ${alias} from ${sender} and has been forwarded by ${appName}.`;
}

/** The banner element for the HTML part (addresses HTML-escaped). */
export function bannerHtml(alias: string, sender: string, appName: string): string {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  return `<div class="${BANNER_CLASS}" style="font-size:12px;color:#555;border-bottom:1px solid #ddd;padding:4px 0">${esc(bannerText(alias, sender, appName))}</div>`;
}

/**
 * A pattern for the banner sentence in text or HTML: words separated by whitespace, quote markers at the
 * start of re-wrapped lines, tags or `&nbsp;`; up to the sentence's end.
 */
export function bannerSentencePattern(): RegExp {
  const gap = String.raw`(?:\s|&nbsp;|<[^>]{0,200}>|^[ \t]*(?:>[ \t]?)+)+`;
  const words = ["This", "email", "was", "sent", "to"].join(gap);
  const any = String.raw`(?:(?!This${gap}email${gap}was)[\s\S]){1,400}?`;
  return new RegExp(`${words}${any}${gap}and${gap}has${gap}been${gap}forwarded${gap}by${gap}[^\\s<.]{1,60}\\.?`, "gim");
}
