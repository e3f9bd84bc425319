/**
 * Local parts for new aliases, in addy.io's formats:
 *
 * | format | example |
 * |---|---|
 * | `random_characters` | 8 of `[a-z0-9]`: `x7k2m9qa` |
 * | `uuid` | a UUID v4 (the alias id equals it) |
 * | `random_words` | two words and two digits: `amber.falcon42` |
 * | `random_noun` | adjective, noun, three digits: `brave.otter417` |
 * | `random_male_name` / `random_female_name` | first name, surname, three digits: `oliver.hughes208` |
 * | `custom` | given by the user, optionally `local+extension` |
 *
 * The separator between parts is the account's `alias_separator`: `.`, `_`, `-`, or `random`.
 */
import { randomString } from "../auth/tokens.js";
import { ADJECTIVES, FEMALE_NAMES, MALE_NAMES, NOUNS, SURNAMES } from "./names.js";
import { WORDS } from "./words.js";

export const ALIAS_FORMATS = [
  "random_characters", "uuid", "random_words", "random_male_name", "random_female_name", "random_noun", "custom",
] as const;
export type AliasFormat = (typeof ALIAS_FORMATS)[number];

export const ALIAS_SEPARATORS = [".", "_", "-", "random"] as const;
export type AliasSeparator = (typeof ALIAS_SEPARATORS)[number];

/** Allowed custom local parts: letters, digits, `.`, `_`, `-`; no leading/trailing/double dot; ≤ 64. */
export const CUSTOM_LOCAL_PART = /^(?!\.)(?!.*\.\.)[a-z0-9._-]{1,64}(?<!\.)$/;

/** Allowed `+extension` of a custom local part (addy.io stores it apart, e.g. `1.3`). */
export const EXTENSION = /^[a-z0-9._-]{1,64}$/;

const pick = <T>(list: readonly T[]): T => list[crypto.getRandomValues(new Uint32Array(1))[0]! % list.length]!;
const digits = (n: number) => randomString(n, "0123456789");

/** One concrete separator for `setting` (`random` picks one of the three). */
export function separatorFor(setting: string): string {
  if (setting === "." || setting === "_" || setting === "-") return setting;
  return pick([".", "_", "-"]);
}

/**
 * A local part in `format`.
 * @param separator the account's `alias_separator` (default `.`)
 * @example generateLocalPart("random_noun", "_") // "brave_otter417"
 */
export function generateLocalPart(format: Exclude<AliasFormat, "custom">, separator = "."): string {
  const sep = separatorFor(separator);
  switch (format) {
    case "random_characters": return randomString(8, "abcdefghijklmnopqrstuvwxyz0123456789");
    case "uuid": return crypto.randomUUID();
    case "random_words": return `${pick(WORDS)}${sep}${pick(WORDS)}${digits(2)}`;
    case "random_noun": return `${pick(ADJECTIVES)}${sep}${pick(NOUNS)}${digits(3)}`;
    case "random_male_name": return `${pick(MALE_NAMES)}${sep}${pick(SURNAMES)}${digits(3)}`;
    case "random_female_name": return `${pick(FEMALE_NAMES)}${sep}${pick(SURNAMES)}${digits(3)}`;
  }
}

/**
 * Splits and checks a custom local part: `shop+news` → `{ local: "shop", extension: "news" }`
 * (lower-cased; the extension is stored apart and is not part of the alias address, as at addy.io).
 * @returns the parts, or `{ error }` with the reason (fit to follow "The local part") when not allowed
 */
export function parseCustomLocalPart(input: string): { local: string; extension: string | null } | { error: string } {
  const value = input.trim().toLowerCase();
  const plus = value.indexOf("+");
  const local = plus < 0 ? value : value.slice(0, plus);
  const extension = plus < 0 ? null : value.slice(plus + 1);
  if (!CUSTOM_LOCAL_PART.test(local)) return { error: "may hold letters, digits, '.', '_' and '-' (at most 64, no leading, trailing or double dot)" };
  if (extension !== null && !EXTENSION.test(extension)) return { error: "has an extension after '+' that may hold only letters, digits, '.', '_' and '-'" };
  if (local.length + (extension === null ? 0 : extension.length + 1) > 64) return { error: "may not be longer than 64 characters" };
  return { local, extension };
}
