/**
 * The newsletter list from the landing page: double opt-in (a confirmation link by mail), and a signed
 * unsubscribe link in every mail. Subscribing again after unsubscribing starts over with a new
 * confirmation. Answers never reveal whether an address was on the list.
 */
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { newsletterSubscribers } from "../../db/schema/index.js";
import { readLink, signLink } from "../auth/signed-links.js";
import { isDuplicateKey } from "../db-errors.js";
import { parseAddress } from "../domain/address.js";
import { ApiError } from "../errors.js";
import { enqueueMail } from "../mail/outbox.js";
import type { MailContext } from "./recipients.js";

/** Confirmation links are valid for a week; one is mailed at most every 10 minutes per address. */
export const CONFIRM_TTL_SECONDS = 7 * 24 * 3600;
const RESEND_AFTER_MS = 10 * 60 * 1000;

/** Dashboard paths the links open. */
export const NEWSLETTER_PATHS = { confirm: "/newsletter/confirm", unsubscribe: "/newsletter/unsubscribe" } as const;

/** The signed unsubscribe link of a subscriber (never expires). */
export async function unsubscribeLink(subscriberId: string, now: Date, mail: MailContext): Promise<string> {
  const token = await signLink(mail.appSecret, { purpose: "newsletter-unsubscribe", subject: subscriberId }, 0, now);
  return `${mail.appUrl}${NEWSLETTER_PATHS.unsubscribe}?token=${encodeURIComponent(token)}`;
}

/**
 * Adds `email` (or re-adds an unsubscribed one) and mails a confirmation link; an address already
 * confirmed, or mailed less than 10 minutes ago, gets nothing new.
 * @throws ApiError VALIDATION `email` when it is not an address
 */
export async function subscribe(db: Db, emailInput: string, now: Date, mail: MailContext): Promise<void> {
  const addr = parseAddress(emailInput.trim());
  if (!addr || emailInput.length > 254) throw new ApiError("VALIDATION", "Enter a valid e-mail address.", "email");
  const email = `${addr.local}@${addr.domain}`;
  let [row] = await db.select().from(newsletterSubscribers).where(eq(newsletterSubscribers.email, email)).limit(1);
  if (!row) {
    try {
      await db.insert(newsletterSubscribers).values({ id: crypto.randomUUID(), email, createdAt: now, updatedAt: now });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    [row] = await db.select().from(newsletterSubscribers).where(eq(newsletterSubscribers.email, email)).limit(1);
    if (!row) return;
  }
  if (row.confirmedAt && !row.unsubscribedAt) return;
  if (row.confirmationSentAt && now.getTime() - row.confirmationSentAt.getTime() < RESEND_AFTER_MS) return;
  await db.update(newsletterSubscribers).set({ confirmationSentAt: now, updatedAt: now }).where(eq(newsletterSubscribers.id, row.id));
  const token = await signLink(mail.appSecret, { purpose: "newsletter-confirm", subject: row.id }, CONFIRM_TTL_SECONDS, now);
  await enqueueMail(db, {
    to: email,
    subject: `Confirm your ${mail.appName} newsletter subscription`,
    text: `Someone (hopefully you) asked to receive the ${mail.appName} newsletter at ${email}.\n\n`
      + `To confirm, open this link within 7 days:\n\n${mail.appUrl}${NEWSLETTER_PATHS.confirm}?token=${encodeURIComponent(token)}\n\n`
      + `If you did not ask for this, ignore this message and you will hear nothing more. To block further requests:\n${await unsubscribeLink(row.id, now, mail)}\n`,
    category: "newsletter",
  }, now);
}

/** Confirms a subscription. @returns the address, or null for an invalid or expired link */
export async function confirmSubscription(db: Db, token: string, now: Date, appSecret: string): Promise<string | null> {
  const claims = await readLink(appSecret, token, "newsletter-confirm", now);
  if (!claims) return null;
  const [row] = await db.select().from(newsletterSubscribers).where(eq(newsletterSubscribers.id, claims.subject)).limit(1);
  if (!row) return null;
  // A link mailed before the address unsubscribed must not put it back on the list.
  const issuedAt = (claims.expires - CONFIRM_TTL_SECONDS) * 1000;
  if (row.unsubscribedAt && row.unsubscribedAt.getTime() > issuedAt) return null;
  await db.update(newsletterSubscribers).set({ confirmedAt: now, unsubscribedAt: null, updatedAt: now }).where(eq(newsletterSubscribers.id, row.id));
  return row.email;
}

/** The address an unsubscribe link is for (to show before acting), or null when invalid. */
export async function unsubscribeTarget(db: Db, token: string, now: Date, appSecret: string): Promise<{ id: string; email: string } | null> {
  const claims = await readLink(appSecret, token, "newsletter-unsubscribe", now);
  if (!claims) return null;
  const [row] = await db.select().from(newsletterSubscribers).where(eq(newsletterSubscribers.id, claims.subject)).limit(1);
  return row ? { id: row.id, email: row.email } : null;
}

/** Unsubscribes. @returns the address, or null when the link is invalid */
export async function unsubscribe(db: Db, token: string, now: Date, appSecret: string): Promise<string | null> {
  const target = await unsubscribeTarget(db, token, now, appSecret);
  if (!target) return null;
  await db.update(newsletterSubscribers).set({ unsubscribedAt: now, updatedAt: now }).where(eq(newsletterSubscribers.id, target.id));
  return target.email;
}
