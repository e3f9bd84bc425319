/**
 * Creating accounts: a user, its first username and its first recipient (the account's e-mail), in one
 * transaction. Used by the admin CLI and by sign-up.
 */
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { plans, recipients, usernames, users } from "../../db/schema/index.js";
import { hashPassword } from "../auth/password.js";
import { checkUsername } from "../domain/username.js";
import { ApiError } from "../errors.js";
import { checkRecipientAddress } from "./recipient-address.js";
import { transaction } from "../db-errors.js";

export interface NewUser {
  username: string;
  recipientEmail: string;
  password?: string | undefined;
  /** Mark the recipient verified now (operator-created accounts). */
  verified: boolean;
  /** Plan name (worker/plans/); absent: `free`. Callers pass the Worker's DEFAULT_PLAN. */
  plan?: string | undefined;
  /** More names no username may be: the service's host labels (../domain/username.ts `serviceHostLabels`). */
  reservedNames?: ReadonlySet<string> | undefined;
}

/**
 * @returns the new ids
 * The e-mail is checked as every recipient address is (./recipient-address.ts: a real mailbox, not on
 * one of our domains), so sign-up accepts no address the dashboard or the API would refuse.
 * @throws ApiError VALIDATION (bad or reserved username, bad e-mail naming `recipient`, no such plan),
 *   CONFLICT (username taken, deleted ones included)
 */
export async function createUser(db: Db, input: NewUser, now: Date): Promise<{ userId: string; usernameId: string; recipientId: string }> {
  const name = checkUsername(input.username, input.reservedNames);
  if (!name.ok) throw new ApiError("VALIDATION", `username ${name.message}`, "username");
  const email = await checkRecipientAddress(db, input.recipientEmail, "recipient");
  const taken = await db.select({ id: usernames.id }).from(usernames).where(eq(usernames.username, name.username)).limit(1);
  if (taken.length > 0) throw new ApiError("CONFLICT", "username is already taken", "username");
  const plan = input.plan ?? "free";
  const known = await db.select({ name: plans.name }).from(plans).where(eq(plans.name, plan)).limit(1);
  if (known.length === 0) throw new ApiError("VALIDATION", `plan ${plan} does not exist`, "plan");

  const ids = { userId: crypto.randomUUID(), usernameId: crypto.randomUUID(), recipientId: crypto.randomUUID() };
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  await transaction(db, async (tx) => {
    await tx.insert(users).values({
      id: ids.userId, defaultUsernameId: ids.usernameId, defaultRecipientId: ids.recipientId, passwordHash,
      plan, createdAt: now, updatedAt: now,
    });
    await tx.insert(usernames).values({ id: ids.usernameId, userId: ids.userId, username: name.username, createdAt: now, updatedAt: now });
    await tx.insert(recipients).values({
      id: ids.recipientId, userId: ids.userId, email,
      emailVerifiedAt: input.verified ? now : null, createdAt: now, updatedAt: now,
    });
  });
  return ids;
}

/** The live account that owns `username`, or a NOT_FOUND error. */
export async function userByUsername(db: Db, username: string): Promise<{ userId: string; usernameId: string }> {
  const rows = await db.select({ userId: usernames.userId, usernameId: usernames.id, deletedAt: users.deletedAt })
    .from(usernames).innerJoin(users, eq(users.id, usernames.userId))
    .where(eq(usernames.username, username.toLowerCase())).limit(1);
  const row = rows[0];
  if (!row?.userId || row.deletedAt) throw new ApiError("NOT_FOUND", `no account with username ${username}`, "username");
  return { userId: row.userId, usernameId: row.usernameId };
}
