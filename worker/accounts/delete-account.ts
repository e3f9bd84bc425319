/**
 * Deleting an account for good, in one transaction. What stays, and why:
 *
 * - aliases on shared domains (directly or under a username subdomain): kept, unowned, deactivated,
 *   deleted and anonymised (no description, from name or counters), so no address is ever issued twice
 *   (addy.io's rule); mail to them is refused with 550 5.1.1;
 * - usernames: kept without an owner, so nobody can register them again;
 * - the users row: kept as a tombstone (`deleted_at`, no password, no 2FA) for the ids elsewhere.
 *
 * Everything else of the account goes: custom domains with their aliases, recipients, alias recipients
 * and daily stats, API tokens, sessions, 2FA codes and passkeys, failed deliveries.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import {
  aliasDailyStats, aliasRecipients, aliases, apiTokens, backupCodes, domains, failedDeliveries, recipients, sessions,
  usernames, users, webauthnCredentials,
} from "../../db/schema/index.js";
import { ApiError } from "../errors.js";
import { checkAccountPassword } from "./passwords.js";
import { transaction } from "../db-errors.js";

/**
 * Deletes `userId` after checking its password.
 * @throws ApiError VALIDATION `password` when wrong (or the account is already deleted)
 */
export async function deleteAccount(db: Db, userId: string, password: string, now: Date): Promise<void> {
  if (!(await checkAccountPassword(db, userId, password))) throw new ApiError("VALIDATION", "The password is not right.", "password");
  await transaction(db, async (tx) => {
    const mine = tx.select({ id: aliases.id }).from(aliases).where(eq(aliases.userId, userId));
    await tx.delete(aliasRecipients).where(inArray(aliasRecipients.aliasId, mine));
    await tx.delete(aliasDailyStats).where(eq(aliasDailyStats.userId, userId));
    const shared = tx.select({ id: domains.id }).from(domains).where(eq(domains.kind, "shared"));
    await tx.update(aliases).set({
      userId: null, active: false, pinned: false, description: null, fromName: null, attachedRecipientsOnly: false,
      emailsForwarded: 0, emailsBlocked: 0, emailsReplied: 0, emailsSent: 0,
      lastForwarded: null, lastBlocked: null, lastReplied: null, lastSent: null, deletedAt: now, updatedAt: now,
    }).where(and(eq(aliases.userId, userId), inArray(aliases.domainId, shared)));
    await tx.delete(aliases).where(eq(aliases.userId, userId));
    await tx.delete(domains).where(and(eq(domains.userId, userId), eq(domains.kind, "custom")));
    await tx.update(usernames).set({ userId: null, active: false, catchAll: false, canLogin: false, description: null, fromName: null, defaultRecipientId: null, deletedAt: now, updatedAt: now })
      .where(eq(usernames.userId, userId));
    for (const table of [recipients, apiTokens, sessions, backupCodes, webauthnCredentials, failedDeliveries] as const) {
      await tx.delete(table).where(eq(table.userId, userId));
    }
    await tx.update(users).set({
      passwordHash: null, totpSecret: null, totpEnabledAt: null, totpLastStep: null, defaultRecipientId: null, fromName: null,
      defaultAliasDomain: null, deletedAt: now, updatedAt: now,
    }).where(eq(users.id, userId));
  });
}
