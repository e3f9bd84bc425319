/**
 * The display name of a forward's From, per addy.io's `display_from_format` (shared reference §1 "Display
 * From format"; addy.io `ForwardEmail::getUserDisplayFrom`). Replacing the `@` keeps a display name from
 * looking like an address the recipient could reply to directly.
 */

/** addy.io `display_from_format` values. */
export const DisplayFromFormat = {
  /** `Name 'sender at domain'` */
  DEFAULT: 0,
  /** `Name - sender(a)domain` */
  BRACKETS: 1,
  /** `Name - domain` */
  DOMAIN: 2,
  /** `Name` */
  NAME: 3,
  /** `sender at domain` */
  ADDRESS: 4,
  /** no display name */
  NONE: 5,
  /** `domain` */
  DOMAIN_ONLY: 6,
  /** `Name 'sender@domain'`, the real `@` */
  LEGACY: 7,
} as const;

const at = (s: string): string => s.replace(/@/g, " at ");
const bracket = (s: string): string => s.replace(/@/g, "(a)");

/**
 * Display name for the forward's From.
 *
 * @param format `display_from_format` 0–7 (an unknown value is treated as 0, as addy.io does).
 * @param name the original From display name (decoded; `""` if none).
 * @param sender the original From address; `""` when it had none (then only the name can be shown).
 * @returns the display name, or null for none. With no name (or the name equal to the address) addy.io's
 *   rules apply: 1 → `sender(a)domain`, 6 → `domain`, 5 → none, any other → `sender at domain`.
 * @example displayFrom(0, 'Jane', 'jane@example.com') // "Jane 'jane at example.com'"
 */
export function displayFrom(format: number, name: string, sender: string): string | null {
  const cleanName = name.replace(/[\x00-\x1f\x7f]+/g, " ").replace(/\s+/g, " ").trim();
  const domain = sender.slice(sender.lastIndexOf("@") + 1);
  if (!sender) return format === DisplayFromFormat.NONE || !cleanName ? null : at(cleanName);
  if (!cleanName || cleanName.toLowerCase() === sender.toLowerCase()) {
    switch (format) {
      case DisplayFromFormat.BRACKETS: return bracket(sender);
      case DisplayFromFormat.DOMAIN_ONLY: return domain;
      case DisplayFromFormat.NONE: return null;
      default: return at(sender);
    }
  }
  switch (format) {
    case DisplayFromFormat.BRACKETS: return bracket(`${cleanName} - ${sender}`);
    case DisplayFromFormat.DOMAIN: return at(`${cleanName} - ${domain}`);
    case DisplayFromFormat.NAME: return at(cleanName);
    case DisplayFromFormat.ADDRESS: return at(sender);
    case DisplayFromFormat.NONE: return null;
    case DisplayFromFormat.DOMAIN_ONLY: return domain;
    case DisplayFromFormat.LEGACY: return `${cleanName} '${sender}'`;
    default: return at(`${cleanName} '${sender}'`);
  }
}
