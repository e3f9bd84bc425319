/**
 * How many recipient verification mails may go out. They go to any address a user types, so without a
 * limit an account (or its API token, which has no expiry) makes the service mail someone as often as it
 * likes: a review sent 15 in a row to one address. Three limits, all counted in the transaction that
 * queues the mail under the account's lock (./account-lock.ts), so parallel requests are counted one
 * after another and a refused or failed attempt counts nothing:
 *
 * | limit | value | counted |
 * |---|---|---|
 * | per recipient | one mail per {@link VERIFICATION_SPACING_SECONDS} (10 minutes) | `recipients.verification_sent_at` |
 * | per address | {@link VERIFICATIONS_PER_ADDRESS_PER_DAY} a UTC day, whichever accounts ask | `rate_limits` bucket `verify-to:<SHA-256 of the address>` |
 * | per account | {@link VERIFICATIONS_PER_ACCOUNT_PER_HOUR} an hour, adding and resending together | `rate_limits` bucket `verify-by:<user id>` |
 *
 * Past a limit: ApiError RATE_LIMITED (429 with `Retry-After` in the API; the dashboard shows the message),
 * worded for the person asking.
 */
import { and, eq } from "drizzle-orm";
import { sha256Hex } from "../../common/signature.js";
import { recipients } from "../../db/schema/index.js";
import { ApiError } from "../errors.js";
import type { LockedTx } from "./account-lock.js";
import { hitRateLimit } from "./rate-limits.js";

export const VERIFICATION_SPACING_SECONDS = 600;
export const VERIFICATIONS_PER_ADDRESS_PER_DAY = 5;
export const VERIFICATIONS_PER_ACCOUNT_PER_HOUR = 10;

const refuse = (message: string, retryAfter: number): ApiError =>
  new ApiError("RATE_LIMITED", message, undefined, { headers: { "Retry-After": String(Math.max(1, retryAfter)) } });

const minutes = (seconds: number): string => {
  const n = Math.max(1, Math.ceil(seconds / 60));
  return `${n} minute${n === 1 ? "" : "s"}`;
};


/**
 * Counts one verification mail to `email` for account `userId` against the per-address and per-account
 * limits. For a new recipient; a resend also goes through {@link claimResend}.
 * @param tx the transaction (holding the account's lock) that then queues the mail
 * @throws ApiError RATE_LIMITED past either limit (nothing is counted then: the transaction rolls back)
 */
export async function claimVerificationMail(tx: LockedTx, userId: string, email: string, now: Date): Promise<void> {
  const address = await hitRateLimit(tx, `verify-to:${await sha256Hex(email.toLowerCase())}`, VERIFICATIONS_PER_ADDRESS_PER_DAY, 86_400, now, { sweep: false });
  if (!address.allowed) {
    throw refuse(`${email} has been sent ${VERIFICATIONS_PER_ADDRESS_PER_DAY} verification links today, the most it gets in a day. Ask again tomorrow (UTC).`, address.retryAfter);
  }
  const account = await hitRateLimit(tx, `verify-by:${userId}`, VERIFICATIONS_PER_ACCOUNT_PER_HOUR, 3600, now, { sweep: false });
  if (!account.allowed) {
    throw refuse(`Your account has sent ${VERIFICATIONS_PER_ACCOUNT_PER_HOUR} verification links this hour, the most it may. Try again in ${minutes(account.retryAfter)}.`, account.retryAfter);
  }
}

/**
 * Counts a resend of the verification mail of recipient `id`: at most one per 10 minutes per recipient
 * (its `verification_sent_at`, read and set here), then {@link claimVerificationMail}.
 * @throws ApiError NOT_FOUND; RATE_LIMITED
 */
export async function claimResend(tx: LockedTx, userId: string, id: string, now: Date): Promise<{ email: string }> {
  const [row] = await tx.select({ email: recipients.email, sentAt: recipients.verificationSentAt }).from(recipients)
    .where(and(eq(recipients.id, id), eq(recipients.userId, userId))).limit(1);
  if (!row) throw new ApiError("NOT_FOUND", "Recipient not found");
  const since = row.sentAt ? Math.floor((now.getTime() - row.sentAt.getTime()) / 1000) : Infinity;
  if (since < VERIFICATION_SPACING_SECONDS) {
    const wait = VERIFICATION_SPACING_SECONDS - since;
    throw refuse(`A verification link went to ${row.email} less than 10 minutes ago. Check its inbox (and spam folder), or ask again in ${minutes(wait)}.`, wait);
  }
  await claimVerificationMail(tx, userId, row.email, now);
  await tx.update(recipients).set({ verificationSentAt: now, updatedAt: now }).where(and(eq(recipients.id, id), eq(recipients.userId, userId)));
  return { email: row.email };
}
