/**
 * The newsletter list from the landing page: double opt-in (a confirmation link by mail), and a signed
 * unsubscribe link in every mail. Subscribing again after unsubscribing starts over with a new
 * confirmation. Answers never reveal whether an address was on the list.
 *
 * Anyone can type anyone's address, so confirmation mails are limited: one per 10 minutes and
 * {@link CONFIRMATIONS_PER_ADDRESS_PER_DAY} a UTC day per address (silently: the answer is the same),
 * and {@link SUBSCRIBE_REQUESTS_PER_IP_PER_HOUR} requests an hour per client IP (429). Each confirmation
 * mail carries a "block further requests" link: once used, that address gets no confirmation mail
 * again (`blocked_at`; an operator can clear it), and an outstanding confirmation link stops working.
 */
import { and, eq, isNull, lte, or } from "drizzle-orm";
import { sha256Hex } from "../../common/signature.js";
import type { Db } from "../../db/client.js";
import { newsletterSubscribers } from "../../db/schema/index.js";
import { readLink, signLink } from "../auth/signed-links.js";
import { isDuplicateKey } from "../db-errors.js";
import { parseAddress } from "../domain/address.js";
import { ApiError } from "../errors.js";
import { enqueueMail } from "../mail/outbox.js";
import { hitRateLimit } from "./rate-limits.js";
import type { MailContext } from "./recipients.js";

/** Confirmation links are valid for a week; one is mailed at most every 10 minutes per address. */
export const CONFIRM_TTL_SECONDS = 7 * 24 * 3600;
const RESEND_AFTER_MS = 10 * 60 * 1000;
export const CONFIRMATIONS_PER_ADDRESS_PER_DAY = 3;
export const SUBSCRIBE_REQUESTS_PER_IP_PER_HOUR = 10;

/** Dashboard paths the links open. */
export const NEWSLETTER_PATHS = { confirm: "/newsletter/confirm", unsubscribe: "/newsletter/unsubscribe", block: "/newsletter/block" } as const;

/** The signed unsubscribe link of a subscriber (never expires). */
export async function unsubscribeLink(subscriberId: string, now: Date, mail: MailContext): Promise<string> {
  const token = await signLink(mail.appSecret, { purpose: "newsletter-unsubscribe", subject: subscriberId }, 0, now);
  return `${mail.appUrl}${NEWSLETTER_PATHS.unsubscribe}?token=${encodeURIComponent(token)}`;
}

/** The signed "block further requests" link of a confirmation mail (never expires). */
async function blockLink(subscriberId: string, now: Date, mail: MailContext): Promise<string> {
  const token = await signLink(mail.appSecret, { purpose: "newsletter-block", subject: subscriberId }, 0, now);
  return `${mail.appUrl}${NEWSLETTER_PATHS.block}?token=${encodeURIComponent(token)}`;
}

/**
 * Adds `email` (or re-adds an unsubscribed one) and mails a confirmation link; an address already
 * confirmed, blocked, mailed less than 10 minutes ago or mailed its daily number of times gets nothing new.
 * @param ip the client's IP (`CF-Connecting-IP`); null: not counted per IP (no proxy in front, locally)
 * @throws ApiError VALIDATION `email` when it is not an address; RATE_LIMITED (Retry-After) past the
 *   requests per IP and hour
 */
export async function subscribe(db: Db, emailInput: string, now: Date, mail: MailContext, ip: string | null): Promise<void> {
  if (ip) {
    const perIp = await hitRateLimit(db, `newsletter-ip:${ip}`, SUBSCRIBE_REQUESTS_PER_IP_PER_HOUR, 3600, now);
    if (!perIp.allowed) {
      const minutes = Math.max(1, Math.ceil(perIp.retryAfter / 60));
      throw new ApiError("RATE_LIMITED", `Too many subscription requests from your network. Please try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`, "email", {
        headers: { "Retry-After": String(perIp.retryAfter) },
      });
    }
  }
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
  if (row.blockedAt || (row.confirmedAt && !row.unsubscribedAt)) return;
  // Claim the 10-minute slot in one statement, so parallel requests for one address mail it once.
  const claimed = await db.update(newsletterSubscribers).set({ confirmationSentAt: now, updatedAt: now }).where(and(
    eq(newsletterSubscribers.id, row.id), isNull(newsletterSubscribers.blockedAt),
    or(isNull(newsletterSubscribers.confirmationSentAt), lte(newsletterSubscribers.confirmationSentAt, new Date(now.getTime() - RESEND_AFTER_MS))),
  ));
  if (((claimed as unknown as { rowsAffected?: number }).rowsAffected ?? 0) !== 1) return;
  const perAddress = await hitRateLimit(db, `newsletter-to:${await sha256Hex(email)}`, CONFIRMATIONS_PER_ADDRESS_PER_DAY, 86_400, now);
  if (!perAddress.allowed) return;
  const token = await signLink(mail.appSecret, { purpose: "newsletter-confirm", subject: row.id }, CONFIRM_TTL_SECONDS, now);
  await enqueueMail(db, {
    to: email,
    subject: `Confirm your ${mail.appName} newsletter subscription`,
    text: `Someone (hopefully you) asked to receive the ${mail.appName} newsletter at ${email}.\n\n`
      + `To confirm, open this link within 7 days:\n\n${mail.appUrl}${NEWSLETTER_PATHS.confirm}?token=${encodeURIComponent(token)}\n\n`
      + `If you did not ask for this, ignore this message and you will hear nothing more. To block further requests for this address:\n${await blockLink(row.id, now, mail)}\n\n`
      + `Once subscribed, you can leave the list at any time here:\n${await unsubscribeLink(row.id, now, mail)}\n`,
    category: "newsletter",
  }, now);
}

/** Confirms a subscription. @returns the address, or null for an invalid or expired link */
export async function confirmSubscription(db: Db, token: string, now: Date, appSecret: string): Promise<string | null> {
  const claims = await readLink(appSecret, token, "newsletter-confirm", now);
  if (!claims) return null;
  const [row] = await db.select().from(newsletterSubscribers).where(eq(newsletterSubscribers.id, claims.subject)).limit(1);
  if (!row || row.blockedAt) return null;
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

/** The address a block link is for (to show before acting), or null when invalid. */
export async function blockTarget(db: Db, token: string, now: Date, appSecret: string): Promise<{ id: string; email: string } | null> {
  const claims = await readLink(appSecret, token, "newsletter-block", now);
  if (!claims) return null;
  const [row] = await db.select().from(newsletterSubscribers).where(eq(newsletterSubscribers.id, claims.subject)).limit(1);
  return row ? { id: row.id, email: row.email } : null;
}

/**
 * Blocks further confirmation mails to the address of a block link (and takes it off the list).
 * Idempotent. @returns the address, or null when the link is invalid
 */
export async function blockRequests(db: Db, token: string, now: Date, appSecret: string): Promise<string | null> {
  const target = await blockTarget(db, token, now, appSecret);
  if (!target) return null;
  await db.update(newsletterSubscribers).set({ blockedAt: now, unsubscribedAt: now, updatedAt: now })
    .where(and(eq(newsletterSubscribers.id, target.id), isNull(newsletterSubscribers.blockedAt)));
  return target.email;
}
