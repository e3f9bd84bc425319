/**
 * Changing and resetting dashboard passwords. A reset link (signed-links.ts, purpose `reset-password`,
 * valid one hour) is bound to a fingerprint of the current password hash: once the password changes,
 * every earlier link stops working, so each link works once. Both operations end the account's other
 * sessions.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { recipients, usernames, users } from "../../db/schema/index.js";
import { sha256Hex } from "../../common/signature.js";
import { hashPassword, verifyPassword } from "../auth/password.js";
import { deleteOtherSessions } from "../auth/sessions.js";
import { readLink, signLink } from "../auth/signed-links.js";
import { ApiError } from "../errors.js";
import { enqueueMail } from "../mail/outbox.js";
import { accountsForLogin } from "./login.js";
import { hitRateLimit } from "./rate-limits.js";
import type { MailContext } from "./recipients.js";

/** Reset links are valid for an hour. */
export const RESET_TTL_SECONDS = 3600;

/** The dashboard path a reset link opens. */
export const RESET_PATH = "/password/reset";

/** Passwords: 8 to 200 characters (PBKDF2 takes any length; the cap bounds the work per request). */
export const PASSWORD_RULE = { min: 8, max: 200 } as const;

const fingerprint = async (hash: string | null) => (await sha256Hex(hash ?? "none")).slice(0, 16);

/** True when `password` is the live account's password (re-authentication before sensitive changes). */
export async function checkAccountPassword(db: Db, userId: string, password: string): Promise<boolean> {
  const [user] = await db.select({ hash: users.passwordHash }).from(users).where(and(eq(users.id, userId), isNull(users.deletedAt))).limit(1);
  return Boolean(user?.hash) && (await verifyPassword(password, user!.hash!));
}

/**
 * Sets a new password after checking the current one; ends the user's other sessions.
 * @param keepSessionId the session making the change (stays signed in)
 * @throws ApiError VALIDATION `current_password` when it is wrong
 */
export async function changePassword(db: Db, userId: string, input: { current: string; next: string }, keepSessionId: string | null, now: Date): Promise<void> {
  if (!(await checkAccountPassword(db, userId, input.current))) throw new ApiError("VALIDATION", "The current password is not right.", "current_password");
  await db.update(users).set({ passwordHash: await hashPassword(input.next), updatedAt: now }).where(eq(users.id, userId));
  await deleteOtherSessions(db, userId, keepSessionId);
}

/** Reset links one account may be sent per hour, and reset requests one IP may make per hour. */
export const RESET_LIMITS = { perAccount: 3, perIp: 10 } as const;

/**
 * A reset request from the forgot-password form (`login`: a username, or an address that names the
 * accounts whose verified default recipient it is: ./login.ts `accountsForLogin`). Within
 * {@link RESET_LIMITS}, mails each such account a link. The caller answers the same whatever happens
 * here, and runs it after answering (so the answer's timing tells nothing either).
 * @param ip the client's address, or null when unknown
 */
export async function requestPasswordResets(db: Db, login: string, ip: string | null, now: Date, mail: MailContext): Promise<void> {
  if (ip && !(await hitRateLimit(db, `reset-ip:${ip}`, RESET_LIMITS.perIp, 3600, now)).allowed) return;
  for (const { userId } of await accountsForLogin(db, login)) {
    if ((await hitRateLimit(db, `reset-user:${userId}`, RESET_LIMITS.perAccount, 3600, now)).allowed) await sendPasswordReset(db, userId, now, mail);
  }
}

/**
 * Mails a reset link to the account's address (its default recipient), naming the account's username
 * (one address may belong to several accounts).
 */
export async function sendPasswordReset(db: Db, userId: string, now: Date, mail: MailContext): Promise<void> {
  const [row] = await db.select({ hash: users.passwordHash, email: recipients.email, username: usernames.username }).from(users)
    .innerJoin(recipients, eq(recipients.id, users.defaultRecipientId))
    .leftJoin(usernames, eq(usernames.id, users.defaultUsernameId))
    .where(and(eq(users.id, userId), isNull(users.deletedAt))).limit(1);
  if (!row) return;
  const token = await signLink(mail.appSecret, { purpose: "reset-password", subject: userId, binding: await fingerprint(row.hash) }, RESET_TTL_SECONDS, now);
  const link = `${mail.appUrl}${RESET_PATH}?token=${encodeURIComponent(token)}`;
  await enqueueMail(db, {
    to: row.email,
    subject: `Reset your ${mail.appName} password`,
    text: `Someone (hopefully you) asked to reset the password of your ${mail.appName} account${row.username ? ` "${row.username}"` : ""}.\n\n`
      + `Choose a new password within the hour here:\n\n${link}\n\n`
      + "If you did not ask for this, ignore this message: your password stays as it is.\n",
    category: "password_reset", userId,
  }, now);
}

/**
 * The account a reset token is for, if the token is valid and unused.
 * @returns the user id, or null (forged, expired, already used, account deleted)
 */
export async function checkResetToken(db: Db, token: string, now: Date, appSecret: string): Promise<string | null> {
  const claims = await readLink(appSecret, token, "reset-password", now);
  if (!claims) return null;
  const [user] = await db.select({ hash: users.passwordHash }).from(users).where(and(eq(users.id, claims.subject), isNull(users.deletedAt))).limit(1);
  if (!user || claims.binding !== (await fingerprint(user.hash))) return null;
  return claims.subject;
}

/**
 * Sets the password a valid reset token allows and ends every session of the account.
 * @returns the user id, or null when the token is not (or no longer) valid
 */
export async function resetPassword(db: Db, token: string, password: string, now: Date, appSecret: string): Promise<string | null> {
  const userId = await checkResetToken(db, token, now, appSecret);
  if (!userId) return null;
  const [user] = await db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, userId)).limit(1);
  const unchanged = user?.hash ? eq(users.passwordHash, user.hash) : isNull(users.passwordHash);
  // Conditional on the hash the token was checked against: of two concurrent uses, one wins.
  const result = await db.update(users).set({ passwordHash: await hashPassword(password), updatedAt: now }).where(and(eq(users.id, userId), unchanged));
  if (((result as { rowsAffected?: number }).rowsAffected ?? 0) !== 1) return null;
  await deleteOtherSessions(db, userId, null);
  return userId;
}
