/**
 * TOTP as a second factor for dashboard login, and its backup codes. Set-up is two steps: a secret is
 * stored (encrypted, worker/auth/keys.ts) but not enabled; the first correct code enables it and yields
 * ten backup codes, shown once. Checking a code is rate-limited per account.
 */
import { and, count, eq, isNull, lt, or } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { backupCodes, users, webauthnCredentials } from "../../db/schema/index.js";
import { decryptSecret, encryptSecret } from "../auth/keys.js";
import { checkTotp, hashBackupCode, newBackupCodes, newTotpSecret } from "../auth/totp.js";
import { ApiError } from "../errors.js";
import { hitRateLimit } from "./rate-limits.js";
import { transaction } from "../db-errors.js";

/** Second-factor codes a user may try per 15 minutes. */
export const CODE_ATTEMPTS = 10;

const affected = (r: unknown) => (r as { rowsAffected?: number }).rowsAffected ?? 0;

/** Which second factors `userId` has on, and how many unused backup codes are left. */
export async function secondFactors(db: Db, userId: string): Promise<{ totp: boolean; passkeys: number; backupCodes: number }> {
  const [[user], [keys], [codes]] = await Promise.all([
    db.select({ enabled: users.totpEnabledAt }).from(users).where(eq(users.id, userId)).limit(1),
    db.select({ n: count() }).from(webauthnCredentials).where(eq(webauthnCredentials.userId, userId)),
    db.select({ n: count() }).from(backupCodes).where(and(eq(backupCodes.userId, userId), isNull(backupCodes.usedAt))),
  ]);
  return { totp: Boolean(user?.enabled), passkeys: Number(keys?.n ?? 0), backupCodes: Number(codes?.n ?? 0) };
}

/**
 * The secret of a pending TOTP set-up, made (and stored) on first call.
 * @throws ApiError CONFLICT when TOTP is already on
 */
export async function pendingTotpSecret(db: Db, userId: string, appSecret: string, now: Date): Promise<string> {
  const [user] = await db.select({ sealed: users.totpSecret, enabled: users.totpEnabledAt }).from(users).where(eq(users.id, userId)).limit(1);
  if (user?.enabled) throw new ApiError("CONFLICT", "Two-factor authentication with an app is already on.");
  const existing = user?.sealed ? await decryptSecret(appSecret, user.sealed) : null;
  if (existing) return existing;
  const secret = newTotpSecret();
  await db.update(users).set({ totpSecret: await encryptSecret(appSecret, secret), totpLastStep: null, updatedAt: now }).where(eq(users.id, userId));
  return secret;
}

/**
 * Enables TOTP with the first correct code of the pending secret.
 * @returns the new backup codes (show once; earlier ones are replaced)
 * @throws ApiError VALIDATION `code` when wrong; CONFLICT when no set-up is pending
 */
export async function confirmTotp(db: Db, userId: string, code: string, appSecret: string, now: Date): Promise<string[]> {
  const [user] = await db.select({ sealed: users.totpSecret, enabled: users.totpEnabledAt }).from(users).where(eq(users.id, userId)).limit(1);
  const secret = user?.sealed && !user.enabled ? await decryptSecret(appSecret, user.sealed) : null;
  if (!secret) throw new ApiError("CONFLICT", "Start the set-up again.");
  await limitAttempts(db, userId, now);
  const step = checkTotp(secret, code, null, now);
  if (step === null) throw new ApiError("VALIDATION", "That code is not right. Check the time on your phone and try the current code.", "code");
  await db.update(users).set({ totpEnabledAt: now, totpLastStep: step, updatedAt: now }).where(eq(users.id, userId));
  return regenerateBackupCodes(db, userId, now);
}

/** Turns TOTP off; backup codes go too unless a passkey is still registered. */
export async function disableTotp(db: Db, userId: string, now: Date): Promise<void> {
  await db.update(users).set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null, updatedAt: now }).where(eq(users.id, userId));
  if ((await secondFactors(db, userId)).passkeys === 0) await db.delete(backupCodes).where(eq(backupCodes.userId, userId));
}

/** Replaces the backup codes with ten new ones. @returns the codes (show once) */
export async function regenerateBackupCodes(db: Db, userId: string, now: Date): Promise<string[]> {
  const { codes, hashes } = await newBackupCodes();
  await transaction(db, async (tx) => {
    await tx.delete(backupCodes).where(eq(backupCodes.userId, userId));
    await tx.insert(backupCodes).values(hashes.map((codeHash) => ({ id: crypto.randomUUID(), userId, codeHash, createdAt: now })));
  });
  return codes;
}

async function limitAttempts(db: Db, userId: string, now: Date): Promise<void> {
  const state = await hitRateLimit(db, `2fa:${userId}`, CODE_ATTEMPTS, 900, now);
  if (!state.allowed) {
    throw new ApiError("RATE_LIMITED", "Too many codes tried. Please wait a few minutes.", undefined, { headers: { "Retry-After": String(state.retryAfter) } });
  }
}

/**
 * Checks a second-factor code at login: a current TOTP code (each accepted once) or an unused backup
 * code (then spent).
 * @returns true when accepted
 * @throws ApiError RATE_LIMITED after {@link CODE_ATTEMPTS} tries in 15 minutes
 */
export async function checkSecondFactorCode(db: Db, userId: string, code: string, appSecret: string, now: Date): Promise<boolean> {
  await limitAttempts(db, userId, now);
  const typed = code.trim();
  if (/^\d{3}\s?\d{3}$/.test(typed)) {
    const [user] = await db.select({ sealed: users.totpSecret, enabled: users.totpEnabledAt, last: users.totpLastStep }).from(users).where(eq(users.id, userId)).limit(1);
    const secret = user?.sealed && user.enabled ? await decryptSecret(appSecret, user.sealed) : null;
    const step = secret ? checkTotp(secret, typed, user?.last ?? null, now) : null;
    if (step === null) return false;
    // Conditional on the step still being newer, so two concurrent uses of one code cannot both pass.
    const result = await db.update(users).set({ totpLastStep: step })
      .where(and(eq(users.id, userId), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))));
    return affected(result) === 1;
  }
  const hash = await hashBackupCode(typed);
  const result = await db.update(backupCodes).set({ usedAt: now })
    .where(and(eq(backupCodes.userId, userId), eq(backupCodes.codeHash, hash), isNull(backupCodes.usedAt)));
  return affected(result) >= 1;
}

/** True when `userId` has any second factor on (login then needs it). */
export async function needsSecondFactor(db: Db, userId: string): Promise<boolean> {
  const f = await secondFactors(db, userId);
  return f.totp || f.passkeys > 0;
}

