/**
 * The forward banner's "Deactivate this alias" link: `<APP_URL>/deactivate/<token>`, where the token is
 * a signed link (../auth/signed-links.ts, purpose `deactivate-alias`) naming the alias (subject) and its
 * owner (binding). The Worker makes it at RCPT time and hands it to the bridge in the forward plan
 * (`display.deactivateUrl`), so the bridge's rewrite stays a pure function and never holds a key.
 *
 * Expiry: 30 days. The link sits in the owner's mailbox for good, and anyone who ever sees the message
 * (a forward to a friend, a reply quoting it that escaped scrubbing, a shared or archived mailbox) could
 * switch the alias off with it; a link that never expires would be a permanent capability. The time it is
 * needed is short: the owner acts on unwanted mail when it arrives. After 30 days the dashboard does the
 * same (the page says so). addy.io's signed List-Unsubscribe URLs last 30 days as well.
 */
import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { aliases } from "../../db/schema/index.js";
import { DEACTIVATE_PATH } from "../../common/internal-api.js";
import { readLink, signLink } from "../auth/signed-links.js";
import { setAliasActive } from "./alias-state.js";

/** How long a deactivate link works (see the module comment). */
export const DEACTIVATE_LINK_TTL_SECONDS = 30 * 24 * 3600;

/** What the link needs from the configuration (worker/env.ts). */
export interface LinkConfig {
  appUrl: string;
  appSecret: string;
}

/** The alias a valid link names, as the confirmation page shows it. */
export interface LinkedAlias {
  id: string;
  userId: string;
  email: string;
  description: string | null;
  active: boolean;
  deleted: boolean;
}

/**
 * The deactivate link for `alias`, valid for {@link DEACTIVATE_LINK_TTL_SECONDS} from `now`.
 * @example await deactivateUrl({ appUrl: "https://app.example", appSecret }, { id, userId }, now) // "https://app.example/deactivate/eyJ….Q2x…"
 */
export async function deactivateUrl(config: LinkConfig, alias: { id: string; userId: string }, now: Date): Promise<string> {
  const token = await signLink(config.appSecret, { purpose: "deactivate-alias", subject: alias.id, binding: alias.userId }, DEACTIVATE_LINK_TTL_SECONDS, now);
  return `${config.appUrl}${DEACTIVATE_PATH}${token}`;
}

/**
 * The alias a link names.
 * @returns null when the token is malformed, forged, for another purpose or expired, or when the alias no
 *   longer belongs to the owner it was issued for (forgotten, or never theirs)
 */
export async function readDeactivateLink(db: Db, secret: string, token: string, now: Date): Promise<LinkedAlias | null> {
  const claims = await readLink(secret, token, "deactivate-alias", now);
  if (!claims?.binding) return null;
  const [row] = await db.select({
    id: aliases.id, userId: aliases.userId, email: aliases.email, description: aliases.description, active: aliases.active, deletedAt: aliases.deletedAt,
  }).from(aliases).where(and(eq(aliases.id, claims.subject), eq(aliases.userId, claims.binding))).limit(1);
  if (!row?.userId) return null;
  return { id: row.id, userId: row.userId, email: row.email, description: row.description, active: row.active, deleted: row.deletedAt !== null };
}

/**
 * Switches off the alias a valid link names (idempotent: an alias already off stays off; a deleted one
 * is left as it is). Mail to it is then accepted and dropped, and counted as blocked.
 * @returns the alias as it is now and whether this call switched it off; null for a link
 *   {@link readDeactivateLink} refuses
 */
export async function deactivateByLink(db: Db, secret: string, token: string, now: Date): Promise<{ alias: LinkedAlias; changed: boolean } | null> {
  const alias = await readDeactivateLink(db, secret, token, now);
  if (!alias) return null;
  if (alias.deleted || !alias.active) return { alias, changed: false };
  await setAliasActive(db, alias.userId, alias.id, false, now);
  return { alias: { ...alias, active: false }, changed: true };
}
