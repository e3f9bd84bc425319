/**
 * API tokens of an account: create (the plain token is returned once), authenticate, touch, revoke.
 * Only the SHA-256 of a token is stored (worker/auth/tokens.ts).
 */
import { and, desc, eq, isNull, lt, or } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { apiTokens, recipients, users } from "../../db/schema/index.js";
import { newApiToken } from "../auth/tokens.js";
import { sha256Hex } from "../../common/signature.js";
import { ApiError } from "../errors.js";

/** `last_used_at` is written at most this often per token, so authenticating stays one read. */
export const TOKEN_TOUCH_INTERVAL_SECONDS = 300;

/**
 * @param expiresAt null for a token that never expires
 * @returns the plain token (never stored) and the row id
 */
export async function createApiToken(db: Db, input: { userId: string; name: string; expiresAt: Date | null }, now: Date): Promise<{ id: string; token: string }> {
  const { token, hash } = await newApiToken();
  const id = crypto.randomUUID();
  await db.insert(apiTokens).values({
    id, userId: input.userId, name: input.name, tokenHash: hash, expiresAt: input.expiresAt, createdAt: now, updatedAt: now,
  });
  return { id, token };
}

/** A verified token and its owner. */
export interface AuthenticatedToken {
  tokenId: string;
  userId: string;
  name: string;
  createdAt: Date;
  expiresAt: Date | null;
  /** True when `last_used_at` is older than {@link TOKEN_TOUCH_INTERVAL_SECONDS}: call {@link touchApiToken}. */
  stale: boolean;
  /** Whether the account's default recipient (its own address) is verified; the API serves only those. */
  verified: boolean;
}

/**
 * Finds the live token whose hash matches `token` (one indexed read, with the owner's verification).
 * Expired tokens, revoked (deleted) tokens and tokens of deleted accounts are refused alike.
 * @returns null when the token is not valid now
 */
export async function authenticateApiToken(db: Db, token: string, now: Date): Promise<AuthenticatedToken | null> {
  if (token.length < 20 || token.length > 200) return null;
  const hash = await sha256Hex(token);
  const [row] = await db
    .select({ token: apiTokens, userDeletedAt: users.deletedAt, verifiedAt: recipients.emailVerifiedAt })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .leftJoin(recipients, eq(recipients.id, users.defaultRecipientId))
    .where(eq(apiTokens.tokenHash, hash))
    .limit(1);
  if (!row || row.userDeletedAt) return null;
  const t = row.token;
  if (t.expiresAt && t.expiresAt.getTime() <= now.getTime()) return null;
  const staleBefore = now.getTime() - TOKEN_TOUCH_INTERVAL_SECONDS * 1000;
  return {
    tokenId: t.id, userId: t.userId, name: t.name, createdAt: t.createdAt, expiresAt: t.expiresAt,
    stale: !t.lastUsedAt || t.lastUsedAt.getTime() < staleBefore,
    verified: row.verifiedAt !== null,
  };
}

/** Sets `last_used_at` to `now` unless another request just did (conditional update, no read). */
export async function touchApiToken(db: Db, tokenId: string, now: Date): Promise<void> {
  const staleBefore = new Date(now.getTime() - TOKEN_TOUCH_INTERVAL_SECONDS * 1000);
  await db.update(apiTokens).set({ lastUsedAt: now })
    .where(and(eq(apiTokens.id, tokenId), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, staleBefore))));
}

/** The token `tokenId` of `userId` (name and dates). @throws ApiError NOT_FOUND */
export async function getApiToken(db: Db, userId: string, tokenId: string): Promise<typeof apiTokens.$inferSelect> {
  const [row] = await db.select().from(apiTokens).where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId))).limit(1);
  if (!row) throw new ApiError("NOT_FOUND", "Token not found");
  return row;
}

/** Revokes (deletes) a token of `userId`; a token already gone is not an error. */
export async function revokeApiToken(db: Db, userId: string, tokenId: string): Promise<void> {
  await db.delete(apiTokens).where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId)));
}

/** The API tokens of `userId` (names and dates; never the tokens), newest first. */
export async function listApiTokens(db: Db, userId: string): Promise<(typeof apiTokens.$inferSelect)[]> {
  return db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.createdAt));
}
