/** Newsletter subscriptions taken on the landing page. */
import { datetime, mysqlTable, uniqueIndex, varchar } from "drizzle-orm/mysql-core";
import { uuidPk } from "./columns.js";

/** Newsletter subscriptions from the landing page: double opt-in, unsubscribable by a signed link. */
export const newsletterSubscribers = mysqlTable("newsletter_subscribers", {
  id: uuidPk(),
  email: varchar("email", { length: 254 }).notNull(),
  confirmedAt: datetime("confirmed_at", { mode: "date" }),
  unsubscribedAt: datetime("unsubscribed_at", { mode: "date" }),
  /** When the last confirmation mail was queued (at most one per 10 minutes per address). */
  confirmationSentAt: datetime("confirmation_sent_at", { mode: "date" }),
  /** Set by the "block further requests" link of a confirmation mail: no confirmation mail is sent again. */
  blockedAt: datetime("blocked_at", { mode: "date" }),
  createdAt: datetime("created_at", { mode: "date" }).notNull(),
  updatedAt: datetime("updated_at", { mode: "date" }).notNull(),
}, (t) => [uniqueIndex("newsletter_subscribers_email_unique").on(t.email)]);
