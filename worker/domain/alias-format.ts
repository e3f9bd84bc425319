/**
 * Local parts for new aliases, in addy.io's formats: `random_characters` (8 of [a-z0-9]), `uuid`,
 * `random_words` (two words and two digits, e.g. `amber.falcon42`), or `custom` (given by the user).
 */
import { randomString } from "../auth/tokens.js";
import { WORDS } from "./words.js";

export const ALIAS_FORMATS = ["random_characters", "uuid", "random_words", "custom"] as const;
export type AliasFormat = (typeof ALIAS_FORMATS)[number];

/** Allowed custom local parts: letters, digits, `.`, `_`, `-`; no leading/trailing/double dot; ≤ 64. */
export const CUSTOM_LOCAL_PART = /^(?!\.)(?!.*\.\.)[a-z0-9._-]{1,64}(?<!\.)$/;

/**
 * A local part in `format`.
 * @throws Error for `custom` (the caller supplies it)
 */
export function generateLocalPart(format: Exclude<AliasFormat, "custom">): string {
  switch (format) {
    case "random_characters": return randomString(8, "abcdefghijklmnopqrstuvwxyz0123456789");
    case "uuid": return crypto.randomUUID();
    case "random_words": {
      const pick = () => WORDS[crypto.getRandomValues(new Uint32Array(1))[0]! % WORDS.length]!;
      return `${pick()}.${pick()}${randomString(2, "0123456789")}`;
    }
  }
}
