/**
 * Password login for the dashboard and the API: find the accounts a login names, and check the password
 * against them. Attempts are counted in the shared fixed-window counters (rate-limits.ts) before any
 * password is checked: per client IP, and per login as typed (a username or an address, known or not,
 * so the answer past the limit, 429, says nothing about whether an account exists).
 *
 * Who an e-mail login names: only accounts whose default recipient has that address and is verified.
 * Anyone can sign up with someone else's address, but cannot verify it; such an account logs in by its
 * username only, so squatting an address cannot lock its owner out or take its password resets.
 * Several verified accounts can share an address (one person with several accounts: each proved it
 * reads that mailbox). An e-mail login then tries the password of each, oldest account first, at most
 * {@link MAX_EMAIL_CANDIDATES}, and logs into the first whose password matches; a reset by e-mail mails
 * one link per account, each naming its username (./passwords.ts). More accounts than that log in by
 * username.
 */
import { and, asc, eq, isNotNull, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { recipients, usernames, users } from "../../db/schema/index.js";
import { sha256Hex } from "../../common/signature.js";
import { hashPassword, verifyPassword } from "../auth/password.js";
import { parseAddress } from "../domain/address.js";
import { ApiError } from "../errors.js";
import { hitRateLimit } from "./rate-limits.js";

/** Limits from the Worker's Config (`loginLimits`); `perAccount` counts attempts per login as typed. */
export interface LoginLimits {
  perIp: number;
  perAccount: number;
  windowSeconds: number;
}

/** Verified accounts one e-mail login (or reset) considers at most, oldest first. */
export const MAX_EMAIL_CANDIDATES = 3;

/** A hash to check unknown logins against, so they take as long as known ones (no timing oracle). */
let dummyHash: Promise<string> | undefined;

/** A login as typed, normalised: a parsed address (lower case) or a lower-case username; else the text. */
function normalizedLogin(login: string): string {
  const text = login.trim().toLowerCase();
  if (!text.includes("@")) return text;
  const addr = parseAddress(text);
  return addr ? `${addr.local}@${addr.domain}` : text;
}

/**
 * The live accounts a login names: the one whose username (allowed to log in) it is, or the accounts
 * whose default recipient has that address and is verified (oldest first, at most
 * {@link MAX_EMAIL_CANDIDATES}; see the module comment).
 */
export async function accountsForLogin(db: Db, login: string): Promise<{ userId: string; passwordHash: string | null }[]> {
  const text = login.trim();
  if (text.includes("@")) {
    const addr = parseAddress(text);
    if (!addr) return [];
    return db.select({ userId: users.id, passwordHash: users.passwordHash }).from(recipients)
      .innerJoin(users, and(eq(users.defaultRecipientId, recipients.id), isNull(users.deletedAt)))
      .where(and(eq(recipients.email, `${addr.local}@${addr.domain}`), isNotNull(recipients.emailVerifiedAt)))
      .orderBy(asc(users.createdAt), asc(users.id)).limit(MAX_EMAIL_CANDIDATES);
  }
  const rows = await db.select({ userId: users.id, passwordHash: users.passwordHash }).from(usernames)
    .innerJoin(users, and(eq(users.id, usernames.userId), isNull(users.deletedAt)))
    .where(and(eq(usernames.username, text.toLowerCase()), eq(usernames.canLogin, true), isNull(usernames.deletedAt))).limit(1);
  return rows;
}

/**
 * Checks a login (username or e-mail) and password.
 * @param ip the client's address, or null when unknown (then only the per-login limit applies)
 * @returns the account's id, or null when the login or the password is wrong (callers must not say which)
 * @throws ApiError RATE_LIMITED (with `Retry-After`) when this IP or this login used up its attempts
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
  // Keyed by a hash: the counters table holds no addresses, and any login fits its bucket column.
  const id = (await sha256Hex(normalizedLogin(input.login))).slice(0, 32);
  const perLogin = await hitRateLimit(db, `login-id:${id}`, limits.perAccount, limits.windowSeconds, now);
  if (!perLogin.allowed) refuse(perLogin.retryAfter);
  const found = (await accountsForLogin(db, input.login)).filter((a) => a.passwordHash);
  // At least one hash is checked whatever the login names, so an unknown login takes as long as a known one.
  if (found.length === 0) await verifyPassword(input.password, await (dummyHash ??= hashPassword("not a real password")));
  for (const account of found) {
    if (await verifyPassword(input.password, account.passwordHash!)) return account.userId;
  }
  return null;
}
