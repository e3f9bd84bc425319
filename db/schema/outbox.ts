/**
 * Mail the Worker originates (verification links, password resets, owner notifications, newsletter
 * confirmations). The Worker cannot speak SMTP to the world, so it queues the message here and a bridge
 * claims it (a lease, so two bridges never both take it), spools it durably, acknowledges it, then signs
 * and delivers it like any other mail.
 */
import { char, datetime, index, mysqlTable, text, varchar } from "drizzle-orm/mysql-core";
import { uuidPk, uuidRef } from "./columns.js";

export const mailOutbox = mysqlTable("mail_outbox", {
  id: uuidPk(),
  toAddress: varchar("to_address", { length: 254 }).notNull(),
  subject: varchar("subject", { length: 255 }).notNull(),
  textBody: text("text_body").notNull(),
  htmlBody: text("html_body"),
  /** `verification`, `password_reset`, `notification`, `newsletter`, `alert`. */
  category: varchar("category", { length: 24 }).notNull(),
  userId: uuidRef("user_id"),
  aliasId: uuidRef("alias_id"),
  /** `queued` → `claimed` (lease until `claimed_until`) → `spooled` (a bridge holds it durably). */
  status: varchar("status", { length: 8 }).notNull().default("queued"),
  claimedBy: varchar("claimed_by", { length: 32 }),
  claimToken: char("claim_token", { length: 36 }),
  claimedUntil: datetime("claimed_until", { mode: "date" }),
  createdAt: datetime("created_at", { mode: "date" }).notNull(),
  spooledAt: datetime("spooled_at", { mode: "date" }),
}, (t) => [
  index("mail_outbox_status_idx").on(t.status, t.claimedUntil),
  index("mail_outbox_claim_idx").on(t.claimToken),
]);
