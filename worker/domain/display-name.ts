/**
 * The one rule for display names an account chooses: the "from name" of an alias, a username, a custom
 * domain and the account (the name correspondents see in From when the owner replies or sends). The API
 * (addy.io and SimpleLogin schemas), the dashboard forms and the account services all apply it, so no
 * front end can store what another would refuse.
 *
 * A name is trimmed (empty: no name) and must be at most {@link MAX_DISPLAY_NAME} characters (addy.io's
 * `max:50`, counted in UTF-16 code units like HTML's `maxlength`), without:
 * - control characters (Unicode Cc: C0 incl. CR, LF and TAB, DEL, C1) and the line/paragraph separators
 *   U+2028/U+2029: a line break in a header value starts a new header (`Evil\r\nBcc: …`);
 * - text-direction controls (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069): they make a name display
 *   in another order than it is stored, e.g. to pass one address off as another;
 * - double quotes and angle brackets. The bridge would encode them safely (RFC 5322 §3.2.4 quoted-string),
 *   but they are the characters of address syntax: `support@bank.example <support@bank.example>` as a
 *   name makes mail programs that show the name alone display an address the mail is not from, and a
 *   `"` ends the quoted string in any consumer that writes the header naively. Apostrophes, commas,
 *   parentheses and other punctuation are fine ("O'Brien, Jane (work)").
 */
import { z } from "zod";

/** At most this many characters (UTF-16 code units). */
export const MAX_DISPLAY_NAME = 50;

const CONTROL = /[\p{Cc}\u2028\u2029]/u;
const DIRECTION = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
const ADDRESS_SYNTAX = /["<>]/;

/** The outcome of {@link checkDisplayName}: the name to store (null: none), or what is wrong with it. */
export type DisplayNameCheck =
  | { ok: true; name: string | null }
  /** `problem` completes "The from name …", e.g. "must not contain double quotes or angle brackets." */
  | { ok: false; problem: string };

/**
 * Checks a display name against the rule (module comment).
 * @param raw as entered; null/undefined/blank: no name
 * @example checkDisplayName(" Jane Doe ") // { ok: true, name: "Jane Doe" }
 * @example checkDisplayName("Evil\r\nBcc: x@y") // { ok: false, problem: "must not contain line breaks or other control characters." }
 */
export function checkDisplayName(raw: string | null | undefined): DisplayNameCheck {
  const name = (raw ?? "").trim();
  if (name === "") return { ok: true, name: null };
  if (name.length > MAX_DISPLAY_NAME) return { ok: false, problem: `must not be greater than ${MAX_DISPLAY_NAME} characters.` };
  if (CONTROL.test(name)) return { ok: false, problem: "must not contain line breaks or other control characters." };
  if (DIRECTION.test(name)) return { ok: false, problem: "must not contain text-direction control characters." };
  if (ADDRESS_SYNTAX.test(name)) return { ok: false, problem: "must not contain double quotes or angle brackets." };
  return { ok: true, name };
}

/**
 * A display name as a zod string for request schemas (API bodies, dashboard forms): trimmed, the length
 * as `max` (so OpenAPI documents it) and the characters as a custom issue whose `params.rule` holds the
 * problem, which the API words Laravel's way ("The from name field must not contain …").
 * @example z.object({ from_name: displayNameSchema().nullish() })
 */
export function displayNameSchema() {
  return z.string().trim().max(MAX_DISPLAY_NAME, `The from name must not be greater than ${MAX_DISPLAY_NAME} characters.`).superRefine((value, ctx) => {
    const checked = checkDisplayName(value);
    if (!checked.ok && !checked.problem.startsWith("must not be greater")) {
      ctx.addIssue({ code: "custom", message: `The from name ${checked.problem}`, params: { rule: checked.problem } });
    }
  }).describe(`at most ${MAX_DISPLAY_NAME} characters; no control characters (line breaks included), text-direction controls, double quotes or angle brackets`);
}
