/**
 * An account's forwarding settings (the dashboard's Settings page): default alias domain and format,
 * separator, display-from format, banner location, Reply-To instead of From, and the from name.
 */
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { users } from "../../db/schema/index.js";
import { ALIAS_FORMATS, ALIAS_SEPARATORS, type AliasFormat, type AliasSeparator } from "../domain/alias-format.js";
import { ApiError } from "../errors.js";
import { domainOptions } from "./domains.js";
import { fromNameOrThrow } from "./from-name.js";

/** Formats an account may make its default (custom needs a local part each time, so it cannot be). */
export const DEFAULT_FORMATS = ALIAS_FORMATS.filter((f) => f !== "custom") as Exclude<AliasFormat, "custom">[];

/** addy.io's `display_from_format` values with an example for `Jane <jane@example.com>` (bridge/transform/display.ts). */
export const DISPLAY_FROM_FORMATS: readonly (readonly [number, string])[] = [
  [0, "Jane 'jane at example.com' (default)"], [1, "Jane - jane(a)example.com"], [2, "Jane - example.com"], [3, "Jane"],
  [4, "jane at example.com"], [5, "no name, the address only"], [6, "example.com"], [7, "Jane 'jane@example.com' (legacy)"],
];

export const BANNER_LOCATIONS = ["top", "bottom", "off"] as const;

export interface Settings {
  defaultAliasDomain: string | null;
  defaultAliasFormat: Exclude<AliasFormat, "custom">;
  aliasSeparator: AliasSeparator;
  displayFromFormat: number;
  bannerLocation: (typeof BANNER_LOCATIONS)[number];
  useReplyTo: boolean;
  fromName: string | null;
}

/** The settings of `userId`. @throws ApiError NOT_FOUND */
export async function getSettings(db: Db, userId: string): Promise<Settings> {
  const [u] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!u || u.deletedAt) throw new ApiError("NOT_FOUND", "Account not found");
  return {
    defaultAliasDomain: u.defaultAliasDomain,
    defaultAliasFormat: (DEFAULT_FORMATS as string[]).includes(u.defaultAliasFormat) ? (u.defaultAliasFormat as Settings["defaultAliasFormat"]) : "random_characters",
    aliasSeparator: (ALIAS_SEPARATORS as readonly string[]).includes(u.aliasSeparator) ? (u.aliasSeparator as AliasSeparator) : ".",
    displayFromFormat: u.displayFromFormat,
    bannerLocation: (BANNER_LOCATIONS as readonly string[]).includes(u.bannerLocation) ? (u.bannerLocation as Settings["bannerLocation"]) : "top",
    useReplyTo: u.useReplyTo,
    fromName: u.fromName,
  };
}

/**
 * Saves all settings at once.
 * @throws ApiError VALIDATION naming the field (a domain that is not one of the user's options, …)
 */
export async function updateSettings(db: Db, userId: string, s: Settings, now: Date): Promise<void> {
  if (s.defaultAliasDomain !== null && !(await domainOptions(db, userId)).some((o) => o.domain === s.defaultAliasDomain)) {
    throw new ApiError("VALIDATION", "Choose one of your domains.", "default_alias_domain");
  }
  if (!DISPLAY_FROM_FORMATS.some(([v]) => v === s.displayFromFormat)) throw new ApiError("VALIDATION", "Choose one of the formats.", "display_from_format");
  const fromName = fromNameOrThrow(s.fromName);
  await db.update(users).set({
    defaultAliasDomain: s.defaultAliasDomain, defaultAliasFormat: s.defaultAliasFormat, aliasSeparator: s.aliasSeparator,
    displayFromFormat: s.displayFromFormat, bannerLocation: s.bannerLocation, useReplyTo: s.useReplyTo, fromName, updatedAt: now,
  }).where(eq(users.id, userId));
}
