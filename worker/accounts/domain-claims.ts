/**
 * Who holds a domain name. Adding a custom domain proves nothing, so it is only a claim until its DNS
 * records prove ownership (./domain-dns.ts):
 *
 * - A shared domain, or a custom domain once verified, holds the name alone (`claimed_by = ''`; unique
 *   with the name): nobody else can add it (CONFLICT).
 * - While unverified, a custom domain is a pending claim (`claimed_by = <account id>`). Other accounts
 *   may claim the same name meanwhile, each with its own verification token; the first to verify gets
 *   it, and the other pending claims of that name are removed then.
 * - A pending claim expires {@link CLAIM_TTL_HOURS} hours after it was made (the hourly clean-up,
 *   {@link expirePendingClaims}), so a name cannot be parked for ever either.
 *
 * So `POST /api/v1/domains {"domain":"gmail.com"}` stores a claim that blocks nobody and disappears.
 */
import { and, eq, inArray, isNull, lt, ne } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { aliasDailyStats, aliasRecipients, aliases, domains } from "../../db/schema/index.js";
import { isDuplicateKey, transaction } from "../db-errors.js";
import { ApiError } from "../errors.js";
import type { Executor } from "./account-lock.js";

/** Hours an unverified custom domain is kept. */
export const CLAIM_TTL_HOURS = 72;

/** Pending claims removed per clean-up run. */
export const CLAIM_CLEANUP_BATCH = 500;

/**
 * Stores a domain row: shared or verified (`claimedBy` `''`) or a pending claim (`claimedBy` the account).
 * A row that holds the name removes the other accounts' pending claims of it.
 * @throws ApiError CONFLICT (`domain`) when the name is held already, or this account claims it already
 */
export async function insertDomainRow(db: Executor, row: typeof domains.$inferInsert & { claimedBy: string }): Promise<void> {
  const held = await db.select({ id: domains.id }).from(domains).where(and(eq(domains.domain, row.domain), eq(domains.claimedBy, ""))).limit(1);
  if (held.length > 0) throw new ApiError("CONFLICT", `The domain ${row.domain} is already in use.`, "domain");
  try {
    await db.insert(domains).values(row);
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    throw new ApiError("CONFLICT", row.claimedBy ? `You have already added ${row.domain}.` : `The domain ${row.domain} is already in use.`, "domain");
  }
  if (!row.claimedBy) await dropPendingClaims(db, row.domain, row.id!);
}

/**
 * Marks the pending claim `id` of `userId` verified: it then holds the name, and the other pending
 * claims of that name are removed.
 * @returns `verified` (now or already), or `taken` when another account verified the name first
 */
export async function settleClaim(db: Db, userId: string, id: string, now: Date): Promise<"verified" | "taken"> {
  const [row] = await db.select({ domain: domains.domain, verifiedAt: domains.verifiedAt }).from(domains)
    .where(and(eq(domains.id, id), eq(domains.userId, userId))).limit(1);
  if (!row) return "taken";
  if (row.verifiedAt) return "verified";
  try {
    await db.update(domains).set({ verifiedAt: now, claimedBy: "", updatedAt: now })
      .where(and(eq(domains.id, id), eq(domains.userId, userId), isNull(domains.verifiedAt)));
  } catch (err) {
    if (isDuplicateKey(err)) return "taken";
    throw err;
  }
  await transaction(db, (tx) => dropPendingClaims(tx, row.domain, id));
  return "verified";
}

/** Deletes the pending (unverified) claims of `domain` other than row `keepId`. */
async function dropPendingClaims(db: Executor, domain: string, keepId: string): Promise<void> {
  const rows = await db.select({ id: domains.id }).from(domains)
    .where(and(eq(domains.domain, domain), ne(domains.claimedBy, ""), ne(domains.id, keepId), isNull(domains.verifiedAt)));
  await deleteDomainRows(db, rows.map((r) => r.id));
}

/**
 * Removes unverified custom domains claimed more than {@link CLAIM_TTL_HOURS} ago (and, for good, any
 * alias on one: there should be none, a domain receives and offers aliases only once verified).
 * @returns how many were removed (at most {@link CLAIM_CLEANUP_BATCH} a call)
 */
export async function expirePendingClaims(db: Db, now: Date): Promise<number> {
  const before = new Date(now.getTime() - CLAIM_TTL_HOURS * 3600_000);
  const rows = await db.select({ id: domains.id }).from(domains)
    .where(and(eq(domains.kind, "custom"), isNull(domains.verifiedAt), lt(domains.createdAt, before))).limit(CLAIM_CLEANUP_BATCH);
  await transaction(db, (tx) => deleteDomainRows(tx, rows.map((r) => r.id)));
  return rows.length;
}

/** Deletes unverified domain rows `ids` and any alias on them (run in the caller's transaction when it has one). */
async function deleteDomainRows(db: Executor, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const onDomains = db.select({ id: aliases.id }).from(aliases).where(inArray(aliases.domainId, ids));
  await db.delete(aliasRecipients).where(inArray(aliasRecipients.aliasId, onDomains));
  await db.delete(aliasDailyStats).where(inArray(aliasDailyStats.aliasId, onDomains));
  await db.delete(aliases).where(inArray(aliases.domainId, ids));
  await db.delete(domains).where(and(inArray(domains.id, ids), isNull(domains.verifiedAt)));
}
