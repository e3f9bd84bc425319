/**
 * An account's custom domains: list, read, add, edit, delete and the switches (active, catch-all,
 * default recipient). Verifying ownership and MX by DNS is the dashboard's domain check; a domain added
 * here stays unverified (and receives nothing) until that check passes.
 */
import { and, count, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { aliasDailyStats, aliasRecipients, aliases, domains, recipients } from "../../db/schema/index.js";
import { ApiError } from "../errors.js";
import { assertCanAdd } from "../plans/enforce.js";
import { withAccountLock } from "./account-lock.js";
import { fromNameOrThrow } from "./from-name.js";
import { addCustomDomain } from "./domains.js";
import { transaction } from "../db-errors.js";

export type DomainRow = typeof domains.$inferSelect;
export type RecipientRow = typeof recipients.$inferSelect;

/** A custom domain, how many aliases it has, and its default recipient (if any). */
export interface DomainView {
  domain: DomainRow;
  aliasCount: number;
  defaultRecipient: RecipientRow | null;
}

const ownedDomain = (userId: string, id: string) => and(eq(domains.id, id), eq(domains.userId, userId), eq(domains.kind, "custom"));

async function views(db: Db, rows: DomainRow[]): Promise<DomainView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const recipientIds = rows.flatMap((r) => (r.defaultRecipientId ? [r.defaultRecipientId] : []));
  const [counts, defaults] = await Promise.all([
    db.select({ id: aliases.domainId, n: count() }).from(aliases)
      .where(and(inArray(aliases.domainId, ids), isNull(aliases.usernameId), isNull(aliases.deletedAt))).groupBy(aliases.domainId),
    recipientIds.length > 0 ? db.select().from(recipients).where(inArray(recipients.id, recipientIds)) : Promise.resolve([]),
  ]);
  const countOf = new Map(counts.map((c) => [c.id, Number(c.n)]));
  const recipientOf = new Map(defaults.map((r) => [r.id, r]));
  return rows.map((domain) => ({
    domain, aliasCount: countOf.get(domain.id) ?? 0,
    defaultRecipient: domain.defaultRecipientId ? recipientOf.get(domain.defaultRecipientId) ?? null : null,
  }));
}

/** The custom domains of `userId`, oldest first. */
export async function listDomains(db: Db, userId: string): Promise<DomainView[]> {
  const rows = await db.select().from(domains).where(and(eq(domains.userId, userId), eq(domains.kind, "custom"))).orderBy(domains.createdAt, domains.id);
  return views(db, rows);
}

/** The custom domain `id` of `userId`. @throws ApiError NOT_FOUND */
export async function getDomain(db: Db, userId: string, id: string): Promise<DomainView> {
  const [row] = await db.select().from(domains).where(ownedDomain(userId, id)).limit(1);
  if (!row) throw new ApiError("NOT_FOUND", "Domain not found");
  return (await views(db, [row]))[0]!;
}

/**
 * Adds a custom domain (unverified; see the module comment).
 * @throws ApiError VALIDATION (`domain` invalid, under a shared domain, or the domain of one of the
 *   account's recipients), CONFLICT (`domain` already added by anyone), FORBIDDEN (the plan's custom
 *   domain limit)
 */
export async function createDomain(db: Db, userId: string, input: { domain: string }, now: Date): Promise<DomainView> {
  const name = input.domain.trim().toLowerCase();
  const own = await db.select({ email: recipients.email }).from(recipients).where(eq(recipients.userId, userId));
  if (own.some((r) => r.email.slice(r.email.lastIndexOf("@") + 1) === name)) {
    throw new ApiError("VALIDATION", "The domain may not be the domain of one of your recipients.", "domain");
  }
  const { id } = await withAccountLock(db, userId, async (tx) => {
    await assertCanAdd(tx, userId, "customDomains");
    return addCustomDomain(tx, { userId, domain: name, verified: false }, now);
  });
  return getDomain(db, userId, id);
}

/** Edits description and/or from name (absent: unchanged, null: cleared). @throws ApiError NOT_FOUND; VALIDATION (`from_name`) */
export async function updateDomain(db: Db, userId: string, id: string, input: { description?: string | null; fromName?: string | null }, now: Date): Promise<DomainView> {
  await getDomain(db, userId, id);
  const set: Partial<DomainRow> = { updatedAt: now };
  if (input.description !== undefined) set.description = input.description;
  if (input.fromName !== undefined) set.fromName = fromNameOrThrow(input.fromName);
  await db.update(domains).set(set).where(ownedDomain(userId, id));
  return getDomain(db, userId, id);
}

/**
 * Switches `active` or `catchAll` of a custom domain.
 * @throws ApiError NOT_FOUND; FORBIDDEN (switching on past the plan's custom domain limit)
 */
export async function setDomainFlag(db: Db, userId: string, id: string, flag: "active" | "catchAll", on: boolean, now: Date): Promise<DomainView> {
  const { domain } = await getDomain(db, userId, id);
  if (flag === "active" && on && !domain.active) {
    await withAccountLock(db, userId, async (tx) => {
      const [row] = await tx.select({ active: domains.active }).from(domains).where(ownedDomain(userId, id)).limit(1);
      if (!row || row.active) return;
      await assertCanAdd(tx, userId, "customDomains");
      await tx.update(domains).set({ active: true, updatedAt: now }).where(ownedDomain(userId, id));
    });
    return getDomain(db, userId, id);
  }
  await db.update(domains).set({ [flag]: on, updatedAt: now }).where(ownedDomain(userId, id));
  return getDomain(db, userId, id);
}

/**
 * Sets (or with null clears) the recipient that the domain's aliases without recipients forward to.
 * @throws ApiError NOT_FOUND; VALIDATION (`default_recipient` not a verified recipient of the user)
 */
export async function setDomainDefaultRecipient(db: Db, userId: string, id: string, recipientId: string | null, now: Date): Promise<DomainView> {
  await getDomain(db, userId, id);
  if (recipientId) await requireVerifiedRecipient(db, userId, recipientId, "default_recipient");
  await db.update(domains).set({ defaultRecipientId: recipientId, updatedAt: now }).where(ownedDomain(userId, id));
  return getDomain(db, userId, id);
}

/** @throws ApiError VALIDATION naming `field` unless `recipientId` is a verified recipient of `userId` */
export async function requireVerifiedRecipient(db: Db, userId: string, recipientId: string, field: string): Promise<void> {
  const [row] = await db.select({ verifiedAt: recipients.emailVerifiedAt }).from(recipients)
    .where(and(eq(recipients.id, recipientId), eq(recipients.userId, userId))).limit(1);
  if (!row?.verifiedAt) throw new ApiError("VALIDATION", `The selected ${field.replace("_", " ")} is invalid: it must be one of your verified recipients.`, field);
}

/**
 * Deletes a custom domain and, for good, every alias on it (addy.io force-deletes them: the addresses
 * belong to the domain's owner, who may add the domain again). @throws ApiError NOT_FOUND
 */
export async function deleteDomain(db: Db, userId: string, id: string): Promise<void> {
  await getDomain(db, userId, id);
  await transaction(db, async (tx) => {
    const onDomain = tx.select({ id: aliases.id }).from(aliases).where(eq(aliases.domainId, id));
    await tx.delete(aliasRecipients).where(inArray(aliasRecipients.aliasId, onDomain));
    await tx.delete(aliasDailyStats).where(inArray(aliasDailyStats.aliasId, onDomain));
    await tx.delete(aliases).where(eq(aliases.domainId, id));
    await tx.delete(domains).where(ownedDomain(userId, id));
  });
}
