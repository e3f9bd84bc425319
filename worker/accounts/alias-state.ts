/**
 * Switching an alias: delete (soft, deactivates), restore (reactivates), forget, active, pinned,
 * attached-recipients-only, and replacing its recipients. Same ownership rule as aliases.ts: another
 * user's alias is NOT_FOUND.
 *
 * Forget (addy.io's semantics): an alias directly on a shared domain keeps its row, anonymised (no owner,
 * no description, counters reset, deleted), so its address can never be issued again; an alias on a
 * username subdomain or a custom domain belongs to its owner's namespace and is deleted outright.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { aliasDailyStats, aliasRecipients, aliases, domains } from "../../db/schema/index.js";
import { ApiError } from "../errors.js";
import { assertCanActivate } from "../plans/enforce.js";
import { withAccountLock } from "./account-lock.js";
import { type AliasWithRecipients, checkRecipients, getAlias } from "./aliases.js";
import { transaction } from "../db-errors.js";

const owned = (userId: string, id: string) => and(eq(aliases.id, id), eq(aliases.userId, userId));

/** Soft-deletes and deactivates an alias (mail to it is then refused with 550 5.1.1). Idempotent. */
export async function deleteAlias(db: Db, userId: string, id: string, now: Date): Promise<void> {
  const { alias } = await getAlias(db, userId, id);
  if (alias.deletedAt) return;
  await db.update(aliases).set({ deletedAt: now, active: false, updatedAt: now }).where(owned(userId, id));
}

/**
 * Undeletes an alias and activates it again. Idempotent.
 * @throws ApiError FORBIDDEN when the plan does not allow it active (worker/plans/enforce.ts)
 */
export async function restoreAlias(db: Db, userId: string, id: string, now: Date): Promise<AliasWithRecipients> {
  const { alias } = await getAlias(db, userId, id);
  if (alias.deletedAt) await switchOnAliases(db, userId, [id], "restore", now);
  return getAlias(db, userId, id);
}

/**
 * Switches on those of `ids` (aliases of `userId`) that the action applies to, within the plan: `activate`
 * the live inactive ones, `restore` the deleted ones (undeleted and active). The rows are read, checked
 * (worker/plans/enforce.ts assertCanActivate) and updated in one transaction under the account's lock
 * (./account-lock.ts), so parallel requests cannot switch on more than the plan allows.
 * @returns the ids switched on
 * @throws ApiError FORBIDDEN when the plan does not allow them all active (nothing is switched on)
 */
export async function switchOnAliases(db: Db, userId: string, ids: string[], action: "activate" | "restore", now: Date): Promise<string[]> {
  if (ids.length === 0) return [];
  return withAccountLock(db, userId, async (tx) => {
    const rows = await tx.select({ id: aliases.id, active: aliases.active, deletedAt: aliases.deletedAt, domainId: aliases.domainId, usernameId: aliases.usernameId })
      .from(aliases).where(and(eq(aliases.userId, userId), inArray(aliases.id, ids)));
    const targets = rows.filter((r) => (action === "restore" ? r.deletedAt !== null : r.deletedAt === null && !r.active));
    if (targets.length === 0) return [];
    await assertCanActivate(tx, userId, targets);
    await tx.update(aliases).set({ ...(action === "restore" ? { deletedAt: null } : {}), active: true, deactivatedByPlan: false, updatedAt: now })
      .where(and(eq(aliases.userId, userId), inArray(aliases.id, targets.map((t) => t.id))));
    return targets.map((t) => t.id);
  });
}

/**
 * Forgets an alias: it disappears from the account for good (see the module comment).
 * @throws ApiError NOT_FOUND
 */
export async function forgetAlias(db: Db, userId: string, id: string, now: Date): Promise<void> {
  const { alias } = await getAlias(db, userId, id);
  const [domain] = await db.select({ kind: domains.kind }).from(domains).where(eq(domains.id, alias.domainId)).limit(1);
  const keepReserved = alias.usernameId === null && domain?.kind === "shared";
  await transaction(db, async (tx) => {
    await tx.delete(aliasRecipients).where(eq(aliasRecipients.aliasId, id));
    await tx.delete(aliasDailyStats).where(eq(aliasDailyStats.aliasId, id));
    if (!keepReserved) {
      await tx.delete(aliases).where(owned(userId, id));
      return;
    }
    await tx.update(aliases).set({
      userId: null, active: false, pinned: false, description: null, fromName: null, attachedRecipientsOnly: false,
      extension: null, emailsForwarded: 0, emailsBlocked: 0, emailsReplied: 0, emailsSent: 0,
      lastForwarded: null, lastBlocked: null, lastReplied: null, lastSent: null,
      deletedAt: alias.deletedAt ?? now, updatedAt: now,
    }).where(owned(userId, id));
  });
}

/**
 * Activates or deactivates an alias (inactive: mail is accepted and dropped, counted as blocked).
 * @throws ApiError NOT_FOUND; VALIDATION (422) when activating a deleted alias; FORBIDDEN when the plan
 *   does not allow it active (a paid-only domain, the active shared-domain alias limit)
 */
export async function setAliasActive(db: Db, userId: string, id: string, active: boolean, now: Date): Promise<AliasWithRecipients> {
  const { alias } = await getAlias(db, userId, id);
  if (active && alias.deletedAt) throw new ApiError("VALIDATION", "You need to restore this alias before you can activate it.", "id");
  if (active && !alias.active) await switchOnAliases(db, userId, [id], "activate", now);
  if (!active && alias.active) await db.update(aliases).set({ active, deactivatedByPlan: false, updatedAt: now }).where(owned(userId, id));
  return getAlias(db, userId, id);
}

/** Pins or unpins an alias (pinned aliases list first). @throws ApiError NOT_FOUND */
export async function setAliasPinned(db: Db, userId: string, id: string, pinned: boolean, now: Date): Promise<AliasWithRecipients> {
  const { alias } = await getAlias(db, userId, id);
  if (alias.pinned !== pinned) await db.update(aliases).set({ pinned, updatedAt: now }).where(owned(userId, id));
  return getAlias(db, userId, id);
}

/**
 * With `attached_recipients_only` on, only the recipients attached to the alias may reply or send from
 * it (the others of the account may not). @throws ApiError NOT_FOUND
 */
export async function setAliasAttachedRecipientsOnly(db: Db, userId: string, id: string, on: boolean, now: Date): Promise<AliasWithRecipients> {
  await getAlias(db, userId, id);
  await db.update(aliases).set({ attachedRecipientsOnly: on, updatedAt: now }).where(owned(userId, id));
  return getAlias(db, userId, id);
}

/**
 * Replaces the recipients of an alias (sync: an empty list detaches all, so the default applies).
 * @param recipientIds ≤ 10 verified recipients of `userId`
 * @throws ApiError NOT_FOUND; VALIDATION naming `recipient_ids`
 */
export async function setAliasRecipients(db: Db, userId: string, id: string, recipientIds: string[], now: Date): Promise<AliasWithRecipients> {
  await getAlias(db, userId, id);
  await setRecipientsOf(db, userId, [id], recipientIds, now);
  return getAlias(db, userId, id);
}

/**
 * Replaces the recipients of each of `aliasIds` (already known to belong to `userId`) in one transaction.
 * @throws ApiError VALIDATION naming `recipient_ids`
 */
export async function setRecipientsOf(db: Db, userId: string, aliasIds: string[], recipientIds: string[], now: Date): Promise<void> {
  const unique = [...new Set(recipientIds)];
  await checkRecipients(db, userId, unique, "recipient_ids");
  if (aliasIds.length === 0) return;
  await transaction(db, async (tx) => {
    await tx.delete(aliasRecipients).where(inArray(aliasRecipients.aliasId, aliasIds));
    const rows = aliasIds.flatMap((aliasId) => unique.map((recipientId) => ({ aliasId, recipientId })));
    if (rows.length > 0) await tx.insert(aliasRecipients).values(rows);
    await tx.update(aliases).set({ updatedAt: now }).where(and(eq(aliases.userId, userId), inArray(aliases.id, aliasIds)));
  });
}
