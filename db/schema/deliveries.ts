/**
 * What the bridges report back: each event once (`bridge_events` makes reports idempotent, so a bridge
 * may resend a batch after a timeout), and the failed deliveries users see.
 */
import { char, datetime, index, int, mysqlTable, text, varchar } from "drizzle-orm/mysql-core";
import { timestamps, uuidPk, uuidRef } from "./columns.js";

export const bridgeEvents = mysqlTable("bridge_events", {
  /** The event's id, chosen by the bridge (UUID); a second report of the same id is ignored. */
  id: uuidPk(),
  bridge: varchar("bridge", { length: 32 }).notNull(),
  kind: varchar("kind", { length: 16 }).notNull(),
  aliasId: char("alias_id", { length: 36 }),
  bytes: int("bytes", { unsigned: true }).notNull().default(0),
  occurredAt: datetime("occurred_at", { mode: "date" }).notNull(),
  createdAt: datetime("created_at", { mode: "date" }).notNull(),
}, (t) => [index("bridge_events_created_idx").on(t.createdAt)]);

export const failedDeliveries = mysqlTable("failed_deliveries", {
  id: uuidPk(),
  userId: uuidRef("user_id").notNull(),
  aliasId: uuidRef("alias_id"),
  recipientId: uuidRef("recipient_id"),
  /** `hard`, `soft` or `spam`. */
  bounceType: varchar("bounce_type", { length: 8 }).notNull(),
  remoteMta: varchar("remote_mta", { length: 255 }),
  sender: varchar("sender", { length: 320 }),
  destination: varchar("destination", { length: 320 }),
  /** `F` forward, `R` reply, `S` send, `N` notification. */
  emailType: varchar("email_type", { length: 5 }).notNull(),
  /** Enhanced status code, e.g. `5.1.1`. */
  status: varchar("status", { length: 16 }),
  /** The remote server's reply or our own reason, as text. */
  code: text("code"),
  attemptedAt: datetime("attempted_at", { mode: "date" }).notNull(),
  ...timestamps,
}, (t) => [index("failed_deliveries_user_idx").on(t.userId, t.createdAt)]);
