/**
 * An account's usernames: each serves `*@<username>.<shared domain>`. List, read, add, edit, delete and
 * the switches (active, catch-all, can-login, default recipient). A username is unique forever: a deleted
 * one keeps its row (`deleted_at`) so nobody can take it over, and its aliases are deleted with it.
 */
import { and, count, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { aliases, recipients, usernames, users } from "../../db/schema/index.js";
import { isDuplicateKey, transaction } from "../db-errors.js";
import { checkUsername } from "../domain/username.js";
import { ApiError } from "../errors.js";
import { assertCanAdd } from "../plans/enforce.js";
import { withAccountLock } from "./account-lock.js";
import { fromNameOrThrow } from "./from-name.js";
import { requireVerifiedRecipient } from "./custom-domains.js";

export type UsernameRow = typeof usernames.$inferSelect;
export type RecipientRow = typeof recipients.$inferSelect;

/** A username, its live alias count and its default recipient (if any). */
export interface UsernameView {
  username: UsernameRow;
  aliasCount: number;
  defaultRecipient: RecipientRow | null;
}

const ownedUsername = (userId: string, id: string) => and(eq(usernames.id, id), eq(usernames.userId, userId), isNull(usernames.deletedAt));

async function views(db: Db, rows: UsernameRow[]): Promise<UsernameView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const recipientIds = rows.flatMap((r) => (r.defaultRecipientId ? [r.defaultRecipientId] : []));
  const [counts, defaults] = await Promise.all([
    db.select({ id: aliases.usernameId, n: count() }).from(aliases)
      .where(and(inArray(aliases.usernameId, ids), isNull(aliases.deletedAt))).groupBy(aliases.usernameId),
    recipientIds.length > 0 ? db.select().from(recipients).where(inArray(recipients.id, recipientIds)) : Promise.resolve([]),
  ]);
  const countOf = new Map(counts.map((c) => [c.id, Number(c.n)]));
  const recipientOf = new Map(defaults.map((r) => [r.id, r]));
  return rows.map((username) => ({
    username, aliasCount: countOf.get(username.id) ?? 0,
    defaultRecipient: username.defaultRecipientId ? recipientOf.get(username.defaultRecipientId) ?? null : null,
  }));
}

/** The live usernames of `userId`, oldest first. */
export async function listUsernames(db: Db, userId: string): Promise<UsernameView[]> {
  const rows = await db.select().from(usernames).where(and(eq(usernames.userId, userId), isNull(usernames.deletedAt))).orderBy(usernames.createdAt, usernames.id);
  return views(db, rows);
}

/** The live username `id` of `userId`. @throws ApiError NOT_FOUND */
export async function getUsername(db: Db, userId: string, id: string): Promise<UsernameView> {
  const [row] = await db.select().from(usernames).where(ownedUsername(userId, id)).limit(1);
  if (!row) throw new ApiError("NOT_FOUND", "Username not found");
  return (await views(db, [row]))[0]!;
}

/**
 * Adds a username (1–20 letters or digits, not reserved, never used before by anyone).
 * @param reservedNames more reserved names: the service's host labels (../domain/username.ts `serviceHostLabels`)
 * @throws ApiError VALIDATION (`username` malformed or reserved), CONFLICT (`username` taken), FORBIDDEN
 *   (the plan's limit of usernames besides the account's own)
 */
export async function addUsername(db: Db, userId: string, input: { username: string; description?: string | null }, now: Date, reservedNames?: ReadonlySet<string>): Promise<UsernameView> {
  const checked = checkUsername(input.username, reservedNames);
  if (!checked.ok) throw new ApiError("VALIDATION", `The username ${checked.message}.`, "username");
  const id = crypto.randomUUID();
  try {
    await withAccountLock(db, userId, async (tx) => {
      await assertCanAdd(tx, userId, "usernames");
      await tx.insert(usernames).values({ id, userId, username: checked.username, description: input.description ?? null, createdAt: now, updatedAt: now });
    });
  } catch (err) {
    if (isDuplicateKey(err)) throw new ApiError("CONFLICT", "The username has already been taken.", "username");
    throw err;
  }
  return getUsername(db, userId, id);
}

/** Edits description and/or from name (absent: unchanged, null: cleared). @throws ApiError NOT_FOUND; VALIDATION (`from_name`) */
export async function updateUsername(db: Db, userId: string, id: string, input: { description?: string | null; fromName?: string | null }, now: Date): Promise<UsernameView> {
  await getUsername(db, userId, id);
  const set: Partial<UsernameRow> = { updatedAt: now };
  if (input.description !== undefined) set.description = input.description;
  if (input.fromName !== undefined) set.fromName = fromNameOrThrow(input.fromName);
  await db.update(usernames).set(set).where(ownedUsername(userId, id));
  return getUsername(db, userId, id);
}

/** Switches `active`, `catchAll` or `canLogin` of a username. @throws ApiError NOT_FOUND */
export async function setUsernameFlag(db: Db, userId: string, id: string, flag: "active" | "catchAll" | "canLogin", on: boolean, now: Date): Promise<UsernameView> {
  await getUsername(db, userId, id);
  await db.update(usernames).set({ [flag]: on, updatedAt: now }).where(ownedUsername(userId, id));
  return getUsername(db, userId, id);
}

/**
 * Sets (or with null clears) the recipient the username's aliases without recipients forward to.
 * @throws ApiError NOT_FOUND; VALIDATION (`default_recipient` not a verified recipient of the user)
 */
export async function setUsernameDefaultRecipient(db: Db, userId: string, id: string, recipientId: string | null, now: Date): Promise<UsernameView> {
  await getUsername(db, userId, id);
  if (recipientId) await requireVerifiedRecipient(db, userId, recipientId, "default_recipient");
  await db.update(usernames).set({ defaultRecipientId: recipientId, updatedAt: now }).where(ownedUsername(userId, id));
  return getUsername(db, userId, id);
}

/**
 * Deletes a username: its row stays reserved (deleted), its aliases are deleted (mail to them is
 * refused). @throws ApiError NOT_FOUND; FORBIDDEN for the account's default username
 */
export async function deleteUsername(db: Db, userId: string, id: string, now: Date): Promise<void> {
  await getUsername(db, userId, id);
  const [user] = await db.select({ defaultUsernameId: users.defaultUsernameId }).from(users).where(eq(users.id, userId)).limit(1);
  if (user?.defaultUsernameId === id) throw new ApiError("FORBIDDEN", "You cannot delete your default username.");
  await transaction(db, async (tx) => {
    await tx.update(aliases).set({ deletedAt: now, active: false, updatedAt: now })
      .where(and(eq(aliases.usernameId, id), eq(aliases.userId, userId), isNull(aliases.deletedAt)));
    await tx.update(usernames).set({ deletedAt: now, active: false, catchAll: false, updatedAt: now }).where(ownedUsername(userId, id));
  });
}
