/** API tokens of an account: create (the plain token is returned once). */
import type { Db } from "../../db/client.js";
import { apiTokens } from "../../db/schema/index.js";
import { newApiToken } from "../auth/tokens.js";

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
