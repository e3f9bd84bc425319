/**
 * Password login for the dashboard: find the account a login names (a username that may log in, or the
 * address of an account's default recipient), and check the password against it. Attempts are counted
 * per client IP and per account in the shared fixed-window counters (rate-limits.ts) before any
 * password is checked, so guessing is bounded even with the right username.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { recipients, usernames, users } from "../../db/schema/index.js";
import { hashPassword, verifyPassword } from "../auth/password.js";
import { parseAddress } from "../domain/address.js";
import { ApiError } from "../errors.js";
import { hitRateLimit } from "./rate-limits.js";

/** Limits from the Worker's Config (`loginLimits`). */
export interface LoginLimits {
  perIp: number;
  perAccount: number;
  windowSeconds: number;
}

/** Accounts checked for one e-mail login at most (an address may be the default of several accounts). */
const MAX_EMAIL_CANDIDATES = 3;

/** A hash to check unknown logins against, so they take as long as known ones (no timing oracle). */
let dummyHash: Promise<string> | undefined;

/**
 * The live accounts a login names: the one whose username (allowed to log in) it is, or the accounts
 * whose default recipient is that address (at most {@link MAX_EMAIL_CANDIDATES}).
 */
export async function accountsForLogin(db: Db, login: string): Promise<{ userId: string; passwordHash: string | null }[]> {
  const text = login.trim();
  if (text.includes("@")) {
    const addr = parseAddress(text);
    if (!addr) return [];
    return db.select({ userId: users.id, passwordHash: users.passwordHash }).from(recipients)
      .innerJoin(users, and(eq(users.defaultRecipientId, recipients.id), isNull(users.deletedAt)))
      .where(eq(recipients.email, `${addr.local}@${addr.domain}`)).limit(MAX_EMAIL_CANDIDATES);
  }
  const rows = await db.select({ userId: users.id, passwordHash: users.passwordHash }).from(usernames)
    .innerJoin(users, and(eq(users.id, usernames.userId), isNull(users.deletedAt)))
    .where(and(eq(usernames.username, text.toLowerCase()), eq(usernames.canLogin, true), isNull(usernames.deletedAt))).limit(1);
  return rows;
}

/**
 * Checks a login (username or e-mail) and password.
 * @param ip the client's address, or null when unknown (then only the per-account limit applies)
 * @returns the account's id, or null when the login or the password is wrong (callers must not say which)
 * @throws ApiError RATE_LIMITED (with `Retry-After`) when this IP or this account used up its attempts
 */
export async function checkLogin(db: Db, input: { login: string; password: string; ip: string | null }, limits: LoginLimits, now: Date): Promise<string | null> {
  const refuse = (retryAfter: number) => {
    const minutes = Math.max(1, Math.ceil(retryAfter / 60));
    throw new ApiError("RATE_LIMITED", `Too many login attempts. Please try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`, undefined, {
      headers: { "Retry-After": String(retryAfter) },
    });
  };
  if (input.ip) {
    const state = await hitRateLimit(db, `login-ip:${input.ip}`, limits.perIp, limits.windowSeconds, now);
    if (!state.allowed) refuse(state.retryAfter);
  }
  const found = await accountsForLogin(db, input.login);
  for (const account of found) {
    const state = await hitRateLimit(db, `login-user:${account.userId}`, limits.perAccount, limits.windowSeconds, now);
    if (!state.allowed) refuse(state.retryAfter);
  }
  if (found.length === 0) {
    await verifyPassword(input.password, await (dummyHash ??= hashPassword("not a real password")));
    return null;
  }
  for (const account of found) {
    if (account.passwordHash && (await verifyPassword(input.password, account.passwordHash))) return account.userId;
  }
  return null;
}
