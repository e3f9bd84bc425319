/**
 * What replies, sends and bounces need (issue 3, DESIGN §4):
 *
 * - `outbound_messages`: one row per message we send to one destination (a forward to one recipient, a
 *   reply or send to one correspondent, a notification). Its id is in the VERP return path
 *   `b_<id>_<hmac>@<domain>`, so a bounce names exactly what bounced; valid for 7 days.
 * - `reverse_aliases`: the stored short-token form of a reverse alias (`<alias>+t_<token>@<domain>`), used
 *   when the plain form would not fit in 64 octets or is not ASCII. One token per (alias, correspondent).
 * - `owner_notices`: when the owner was last told about a kind of problem with an alias (at most once per
 *   hour per alias and kind).
 */
import { char, datetime, index, mysqlTable, uniqueIndex, varchar } from "drizzle-orm/mysql-core";
import { uuidPk, uuidRef } from "./columns.js";

export const outboundMessages = mysqlTable("outbound_messages", {
  id: uuidPk(),
  /** `F` forward, `R` reply, `S` send, `N` notification. */
  emailType: varchar("email_type", { length: 1 }).notNull(),
  userId: uuidRef("user_id"),
  aliasId: uuidRef("alias_id"),
  /** Forwards: the recipient row the copy went to. */
  recipientId: uuidRef("recipient_id"),
  /** Notifications: the outbox row. */
  outboxId: uuidRef("outbox_id"),
  /** Where the message went (a recipient, a correspondent, an account's mailbox). */
  destination: varchar("destination", { length: 320 }).notNull(),
  /** The VERP address's domain (must be one our MX receives for). */
  domain: varchar("domain", { length: 253 }).notNull(),
  createdAt: datetime("created_at", { mode: "date" }).notNull(),
  /** Set by the first bounce; a second one is recorded but does not correct the counters again. */
  bouncedAt: datetime("bounced_at", { mode: "date" }),
}, (t) => [index("outbound_messages_created_idx").on(t.createdAt)]);

export const reverseAliases = mysqlTable("reverse_aliases", {
  id: uuidPk(),
  /** `[a-z2-7]{12}`: the part after `+t_`. */
  token: varchar("token", { length: 16 }).notNull(),
  aliasId: char("alias_id", { length: 36 }).notNull(),
  userId: char("user_id", { length: 36 }).notNull(),
  /** The correspondent's address, domain lower-cased, as the forward step saw it. */
  sender: varchar("sender", { length: 320 }).notNull(),
  createdAt: datetime("created_at", { mode: "date" }).notNull(),
}, (t) => [
  uniqueIndex("reverse_aliases_token_unique").on(t.token),
  uniqueIndex("reverse_aliases_alias_sender_unique").on(t.aliasId, t.sender),
]);

export const ownerNotices = mysqlTable("owner_notices", {
  /** `<kind>:<alias id or user id>`, e.g. `bounce:0b6f…`. */
  noticeKey: varchar("notice_key", { length: 80 }).primaryKey(),
  lastSentAt: datetime("last_sent_at", { mode: "date" }).notNull(),
});
