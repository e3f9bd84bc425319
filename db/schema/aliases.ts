/**
 * Aliases, the recipients attached to each, and per-day counters.
 *
 * `email` is unique across the whole table, deleted rows included, so an address is never issued twice
 * (addy.io's rule). An alias belongs to a username (`username_id`, for `*@<username>.<shared domain>`),
 * to a custom domain, or directly to a shared domain; `domain_id` always names the served domain row.
 */
import {
  bigint, boolean, char, date, datetime, index, int, mysqlTable, primaryKey, uniqueIndex, varchar,
} from "drizzle-orm/mysql-core";
import { timestamps, uuidPk, uuidRef } from "./columns.js";

export const aliases = mysqlTable("aliases", {
  id: uuidPk(),
  /** Null once the owner deleted the account: the address stays reserved, deactivated. */
  userId: uuidRef("user_id"),
  usernameId: uuidRef("username_id"),
  domainId: uuidRef("domain_id").notNull(),
  localPart: varchar("local_part", { length: 64 }).notNull(),
  extension: varchar("extension", { length: 64 }),
  /** The full domain part of the address, e.g. `jane.example.net`. */
  domain: varchar("domain", { length: 253 }).notNull(),
  email: varchar("email", { length: 320 }).notNull(),
  active: boolean("active").notNull().default(true),
  /** Switched off by a plan change (its domain is for paid plans only); switched on again on upgrade. */
  deactivatedByPlan: boolean("deactivated_by_plan").notNull().default(false),
  pinned: boolean("pinned").notNull().default(false),
  description: varchar("description", { length: 200 }),
  fromName: varchar("from_name", { length: 100 }),
  attachedRecipientsOnly: boolean("attached_recipients_only").notNull().default(false),
  emailsForwarded: int("emails_forwarded", { unsigned: true }).notNull().default(0),
  emailsBlocked: int("emails_blocked", { unsigned: true }).notNull().default(0),
  emailsReplied: int("emails_replied", { unsigned: true }).notNull().default(0),
  emailsSent: int("emails_sent", { unsigned: true }).notNull().default(0),
  lastForwarded: datetime("last_forwarded", { mode: "date" }),
  lastBlocked: datetime("last_blocked", { mode: "date" }),
  lastReplied: datetime("last_replied", { mode: "date" }),
  lastSent: datetime("last_sent", { mode: "date" }),
  ...timestamps,
  deletedAt: datetime("deleted_at", { mode: "date" }),
}, (t) => [
  uniqueIndex("aliases_email_unique").on(t.email),
  /**
   * The API's and dashboard's alias list (worker/accounts/alias-list.ts): pinned first, newest first.
   * With `deleted_at IS NULL` (the default filter) the first index gives rows already in order; without
   * a deleted filter (`filter[deleted]=with`) the second one does. Both also serve the counts.
   */
  index("aliases_user_live_list_idx").on(t.userId, t.deletedAt, t.pinned, t.createdAt),
  index("aliases_user_list_idx").on(t.userId, t.pinned, t.createdAt),
  /**
   * The list's search (`filter[search]`: LIKE '%…%' on email and description, alias-list.ts): the
   * account's entries in the default order (`id` is the order's last key) with both columns, so a search
   * reads this index alone and stops at the page's last match; rows are read for that page only. A key
   * is at most 2,384 bytes (InnoDB allows 3,072).
   */
  index("aliases_user_search_idx").on(t.userId, t.deletedAt, t.pinned, t.createdAt, t.id, t.email, t.description),
  index("aliases_username_idx").on(t.usernameId),
  index("aliases_domain_idx").on(t.domainId),
]);

export const aliasRecipients = mysqlTable("alias_recipients", {
  aliasId: char("alias_id", { length: 36 }).notNull(),
  recipientId: char("recipient_id", { length: 36 }).notNull(),
}, (t) => [
  primaryKey({ columns: [t.aliasId, t.recipientId] }),
  index("alias_recipients_recipient_idx").on(t.recipientId),
]);

/** Per-alias, per-UTC-day counters for charts (`chart-data`) and bandwidth history. */
export const aliasDailyStats = mysqlTable("alias_daily_stats", {
  aliasId: char("alias_id", { length: 36 }).notNull(),
  userId: char("user_id", { length: 36 }).notNull(),
  day: date("day", { mode: "string" }).notNull(),
  forwarded: int("forwarded", { unsigned: true }).notNull().default(0),
  blocked: int("blocked", { unsigned: true }).notNull().default(0),
  replied: int("replied", { unsigned: true }).notNull().default(0),
  sent: int("sent", { unsigned: true }).notNull().default(0),
  bytes: bigint("bytes", { mode: "number", unsigned: true }).notNull().default(0),
}, (t) => [
  primaryKey({ columns: [t.aliasId, t.day] }),
  index("alias_daily_stats_user_day_idx").on(t.userId, t.day),
]);
