/**
 * Recipients: the real mailboxes an account forwards to. Adding one sends it a verification mail with a
 * signed link (worker/auth/signed-links.ts, purpose `verify-recipient`, bound to the address, valid
 * {@link VERIFY_TTL_SECONDS}); until verified it receives nothing. The account's default recipient is its
 * own address: it cannot be deleted, and only a verified recipient can become the default.
 */
import { and, count, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { aliasRecipients, domains, recipients, usernames, users } from "../../db/schema/index.js";
import { readLink, signLink } from "../auth/signed-links.js";
import { isDuplicateKey, transaction } from "../db-errors.js";
import { ApiError } from "../errors.js";
import { assertCanAdd } from "../plans/enforce.js";
import { enqueueMail } from "../mail/outbox.js";
import { type Executor, withAccountLock } from "./account-lock.js";
import { checkRecipientAddress } from "./recipient-address.js";
import { claimResend, claimVerificationMail } from "./verification-mail.js";

export type RecipientRow = typeof recipients.$inferSelect;

/** A recipient and, when asked for, how many aliases have it attached. */
export interface RecipientView {
  recipient: RecipientRow;
  aliasCount: number | null;
}

/** Verification links are valid for a week. */
export const VERIFY_TTL_SECONDS = 7 * 24 * 3600;

/** Where links in mail point and what signs them (from the Worker's Config). */
export interface MailContext {
  appUrl: string;
  appName: string;
  appSecret: string;
}

/**
 * The dashboard path of a recipient's verification link: `GET <appUrl>/recipients/verify?token=<token>`
 * shows a confirmation, whose button POSTs the token (worker/web/pages/recipient-verify.tsx).
 */
export const VERIFY_PATH = "/recipients/verify";

/**
 * The recipients of `userId`, oldest first.
 * @param opts.verified true/false: only verified/unverified ones; absent: all
 * @param opts.withAliasCount also count attached aliases (one extra grouped query)
 */
export async function listRecipients(db: Db, userId: string, opts: { verified?: boolean | undefined; withAliasCount?: boolean } = {}): Promise<RecipientView[]> {
  const where = [eq(recipients.userId, userId)];
  if (opts.verified !== undefined) where.push(opts.verified ? isNotNull(recipients.emailVerifiedAt) : isNull(recipients.emailVerifiedAt));
  const rows = await db.select().from(recipients).where(and(...where)).orderBy(recipients.createdAt, recipients.id);
  const counts = opts.withAliasCount ? await aliasCounts(db, rows.map((r) => r.id)) : null;
  return rows.map((recipient) => ({ recipient, aliasCount: counts ? counts.get(recipient.id) ?? 0 : null }));
}

async function aliasCounts(db: Db, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: aliasRecipients.recipientId, n: count() }).from(aliasRecipients)
    .where(inArray(aliasRecipients.recipientId, ids)).groupBy(aliasRecipients.recipientId);
  return new Map(rows.map((r) => [r.id, Number(r.n)]));
}

/** The recipient `id` of `userId`. @throws ApiError NOT_FOUND */
export async function getRecipient(db: Db, userId: string, id: string, opts: { withAliasCount?: boolean } = {}): Promise<RecipientView> {
  const [recipient] = await db.select().from(recipients).where(and(eq(recipients.id, id), eq(recipients.userId, userId))).limit(1);
  if (!recipient) throw new ApiError("NOT_FOUND", "Recipient not found");
  return { recipient, aliasCount: opts.withAliasCount ? (await aliasCounts(db, [id])).get(id) ?? 0 : null };
}

/**
 * Adds a recipient and queues its verification mail, in one transaction under the account's lock with
 * the plan's count and the verification-mail limits (./verification-mail.ts).
 * @throws ApiError VALIDATION (`email`: see ./recipient-address.ts), CONFLICT
 *   (`email` already a recipient of this account), FORBIDDEN (the plan's recipient limit),
 *   RATE_LIMITED (verification mails to that address today, or from this account this hour)
 */
export async function addRecipient(db: Db, userId: string, input: { email: string }, now: Date, mail: MailContext): Promise<RecipientView> {
  const email = await checkRecipientAddress(db, input.email);
  const id = crypto.randomUUID();
  try {
    await withAccountLock(db, userId, async (tx) => {
      await assertCanAdd(tx, userId, "recipients");
      await tx.insert(recipients).values({ id, userId, email, verificationSentAt: now, createdAt: now, updatedAt: now });
      await claimVerificationMail(tx, userId, email, now);
      await sendVerification(tx, userId, id, email, now, mail);
    });
  } catch (err) {
    if (isDuplicateKey(err)) throw new ApiError("CONFLICT", "The email has already been taken.", "email");
    throw err;
  }
  return { recipient: (await getRecipient(db, userId, id)).recipient, aliasCount: 0 };
}

async function sendVerification(db: Executor, userId: string, id: string, email: string, now: Date, mail: MailContext): Promise<void> {
  const token = await signLink(mail.appSecret, { purpose: "verify-recipient", subject: id, binding: email }, VERIFY_TTL_SECONDS, now);
  const link = `${mail.appUrl}${VERIFY_PATH}?token=${encodeURIComponent(token)}`;
  await enqueueMail(db, {
    to: email,
    subject: `Verify your recipient for ${mail.appName}`,
    text: `Someone (hopefully you) added ${email} as a recipient of a ${mail.appName} account.\n\n`
      + `To receive mail forwarded from its aliases here, open this link within 7 days:\n\n${link}\n\n`
      + "If you did not ask for this, ignore this message: nothing will be forwarded to you.\n",
    category: "verification", userId,
  }, now);
}

/**
 * Sends the verification mail again, within the limits of ./verification-mail.ts (one per 10 minutes per
 * recipient, a few a day per address, a few an hour per account).
 * @throws ApiError NOT_FOUND; VALIDATION when already verified; RATE_LIMITED (429, Retry-After) past a limit
 */
export async function resendVerification(db: Db, userId: string, id: string, now: Date, mail: MailContext): Promise<void> {
  const { recipient } = await getRecipient(db, userId, id);
  if (recipient.emailVerifiedAt) throw new ApiError("VALIDATION", "This recipient is already verified.", "recipient_id");
  await withAccountLock(db, userId, async (tx) => {
    const { email } = await claimResend(tx, userId, id, now);
    await sendVerification(tx, userId, id, email, now, mail);
  });
}

/**
 * The recipient a verification link names, without changing anything (the confirmation page's GET).
 * @returns its address and whether it is verified already, or null as {@link verifyRecipient}
 */
export async function peekRecipientLink(db: Db, token: string, now: Date, appSecret: string): Promise<{ email: string; verified: boolean } | null> {
  const row = await recipientOfLink(db, token, now, appSecret);
  return row ? { email: row.email, verified: row.emailVerifiedAt !== null } : null;
}

async function recipientOfLink(db: Db, token: string, now: Date, appSecret: string): Promise<RecipientRow | null> {
  const claims = await readLink(appSecret, token, "verify-recipient", now);
  if (!claims) return null;
  const [row] = await db.select().from(recipients).where(eq(recipients.id, claims.subject)).limit(1);
  return row && row.email === claims.binding ? row : null;
}

/**
 * Verifies the recipient a link names (no login needed: the signed token is the proof).
 * @returns the recipient's id and address, or null when the token is invalid, expired, or for an
 *   address the recipient no longer has
 */
export async function verifyRecipient(db: Db, token: string, now: Date, appSecret: string): Promise<{ id: string; email: string; userId: string } | null> {
  const row = await recipientOfLink(db, token, now, appSecret);
  if (!row) return null;
  if (!row.emailVerifiedAt) await db.update(recipients).set({ emailVerifiedAt: now, updatedAt: now }).where(eq(recipients.id, row.id));
  return { id: row.id, email: row.email, userId: row.userId };
}

/**
 * Deletes a recipient (aliases that had it attached fall back to their default).
 * @throws ApiError NOT_FOUND; FORBIDDEN for the account's default recipient
 */
export async function deleteRecipient(db: Db, userId: string, id: string): Promise<void> {
  await getRecipient(db, userId, id);
  const [user] = await db.select({ defaultRecipientId: users.defaultRecipientId }).from(users).where(eq(users.id, userId)).limit(1);
  if (user?.defaultRecipientId === id) throw new ApiError("FORBIDDEN", "You cannot delete your default recipient.");
  await transaction(db, async (tx) => {
    await tx.delete(aliasRecipients).where(eq(aliasRecipients.recipientId, id));
    await tx.update(domains).set({ defaultRecipientId: null }).where(and(eq(domains.userId, userId), eq(domains.defaultRecipientId, id)));
    await tx.update(usernames).set({ defaultRecipientId: null }).where(and(eq(usernames.userId, userId), eq(usernames.defaultRecipientId, id)));
    await tx.delete(recipients).where(and(eq(recipients.id, id), eq(recipients.userId, userId)));
  });
}

/** Allows or forbids replying and sending from aliases through this recipient. @throws ApiError NOT_FOUND */
export async function setRecipientCanReplySend(db: Db, userId: string, id: string, allowed: boolean, now: Date): Promise<RecipientView> {
  await getRecipient(db, userId, id);
  await db.update(recipients).set({ canReplySend: allowed, updatedAt: now }).where(and(eq(recipients.id, id), eq(recipients.userId, userId)));
  return getRecipient(db, userId, id, { withAliasCount: true });
}

/**
 * Makes a verified recipient the account's default (its address for notifications and the fallback
 * of aliases without recipients). @throws ApiError NOT_FOUND; VALIDATION when not verified
 */
export async function setDefaultRecipient(db: Db, userId: string, id: string, now: Date): Promise<RecipientView> {
  const view = await getRecipient(db, userId, id);
  if (!view.recipient.emailVerifiedAt) throw new ApiError("VALIDATION", "Only a verified recipient can be the default.", "id");
  await db.update(users).set({ defaultRecipientId: id, updatedAt: now }).where(eq(users.id, userId));
  return view;
}
