/**
 * ASCII forms of text for places that can carry nothing else (a text part in a charset other than
 * UTF-8, or a 7bit part): Unicode compatibility decomposition (NFKD) without the combining marks, plus
 * the Latin letters and punctuation that do not decompose (ß → ss, ø → o, “ → ", … → ...).
 */
import { domainToASCII } from "node:url";

const EXTRA: Record<string, string> = {
  "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L",
  "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ı": "i", "ħ": "h", "Ħ": "H", "ŋ": "ng", "Ŋ": "NG",
  "‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "‹": "'", "›": "'",
  "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-", "•": "*", "·": ".", "…": "...",
  "€": "EUR", "£": "GBP", "¥": "JPY", "©": "(c)", "®": "(R)", "™": "(TM)", "×": "x",
};

/**
 * `text` in printable ASCII (spaces for any whitespace), or null when some character has no ASCII
 * form (CJK, emoji, …): the caller then leaves the text out rather than print question marks.
 * @example transliterate("Café “Zürich” – Straße") // 'Cafe "Zurich" - Strasse'
 */
export function transliterate(text: string): string | null {
  const out = text
    .replace(/\s/gu, " ")
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[^\x00-\x7f]/gu, (ch) => EXTRA[ch] ?? ch);
  return /[^\x20-\x7e]/.test(out) ? null : out;
}

/**
 * An e-mail address in ASCII for display: the domain in its IDNA A-label form (RFC 5891), the local
 * part transliterated, or with `?` for each character that has no ASCII form (an SMTPUTF8 address,
 * RFC 6531, cannot be written in ASCII at all: this only shows it).
 * @example asciiAddress("jürgen@bücher.example") // "jurgen@xn--bcher-kva.example"
 */
export function asciiAddress(address: string): string {
  const at = address.lastIndexOf("@");
  const local = at < 0 ? address : address.slice(0, at);
  const domain = at < 0 ? "" : address.slice(at + 1);
  const asciiLocal = transliterate(local) ?? [...local].map((ch) => transliterate(ch) ?? "?").join("");
  if (at < 0) return asciiLocal;
  const asciiDomain = /^[\x20-\x7e]*$/.test(domain) ? domain : domainToASCII(domain) || (transliterate(domain) ?? "?");
  return `${asciiLocal}@${asciiDomain}`;
}
