/**
 * Accounts, their usernames, their recipients (real mailboxes) and their API tokens.
 *
 * As in addy.io, an account has no e-mail column of its own: its address is its default recipient.
 */

import {
  bigint, boolean, char, datetime, index, mysqlTable, tinyint, uniqueIndex, varchar,
} from "drizzle-orm/mysql-core";
import { timestamps, uuidPk, uuidRef } from "./columns.js";

export const users = mysqlTable("users", {
  id: uuidPk(),
  defaultUsernameId: uuidRef("default_username_id"),
  defaultRecipientId: uuidRef("default_recipient_id"),
  /** PBKDF2 hash in the form `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`; null: no password login. */
  passwordHash: varchar("password_hash", { length: 255 }),
  plan: varchar("plan", { length: 32 }).notNull().default("free"),
  fromName: varchar("from_name", { length: 100 }),
  /** `top`, `bottom` or `off`. */
  bannerLocation: varchar("banner_location", { length: 8 }).notNull().default("top"),
  /** addy.io's `display_from_format`: 0 default `Name 'a at b'` … 7 legacy; see bridge/transform/display.ts. */
  displayFromFormat: tinyint("display_from_format").notNull().default(0),
  useReplyTo: boolean("use_reply_to").notNull().default(false),
  defaultAliasDomain: varchar("default_alias_domain", { length: 253 }),
  defaultAliasFormat: varchar("default_alias_format", { length: 32 }).notNull().default("random_characters"),
  /** Between the parts of word and name formats: `.`, `_`, `-`, or `random` (one of them per alias). */
  aliasSeparator: varchar("alias_separator", { length: 8 }).notNull().default("."),
  /** Bytes forwarded since `bandwidth_reset_at` (the month's usage). */
  bandwidth: bigint("bandwidth", { mode: "number", unsigned: true }).notNull().default(0),
  /** Start of the month (UTC) `bandwidth` counts; older: the monthly cron (worker/plans/bandwidth.ts) resets it. */
  bandwidthResetAt: datetime("bandwidth_reset_at", { mode: "date" }),
  /** When the owner was told the month's bandwidth passed 80 % of the plan's (at most once a month). */
  bandwidthWarnedAt: datetime("bandwidth_warned_at", { mode: "date" }),
  /** TOTP secret (RFC 6238), AES-GCM encrypted with a key derived from APP_SECRET; null: none set up. */
  totpSecret: varchar("totp_secret", { length: 255 }),
  /** When TOTP was confirmed with a first code; null while set-up is pending or when off. */
  totpEnabledAt: datetime("totp_enabled_at", { mode: "date" }),
  /** The last TOTP time step (unix seconds / 30) a code was accepted for: a code works once (RFC 6238 §5.2). */
  totpLastStep: bigint("totp_last_step", { mode: "number", unsigned: true }),
  ...timestamps,
  deletedAt: datetime("deleted_at", { mode: "date" }),
}, (t) => [
  /** The monthly bandwidth reset finds the accounts not yet reset this month (worker/plans/bandwidth.ts). */
  index("users_bandwidth_reset_idx").on(t.bandwidthResetAt),
]);

export const usernames = mysqlTable("usernames", {
  id: uuidPk(),
  /** Null once the owning account is deleted: the row stays so the name is never issued again. */
  userId: uuidRef("user_id"),
  username: varchar("username", { length: 64 }).notNull(),
  description: varchar("description", { length: 200 }),
  fromName: varchar("from_name", { length: 100 }),
  defaultRecipientId: uuidRef("default_recipient_id"),
  active: boolean("active").notNull().default(true),
  catchAll: boolean("catch_all").notNull().default(true),
  canLogin: boolean("can_login").notNull().default(true),
  ...timestamps,
  deletedAt: datetime("deleted_at", { mode: "date" }),
}, (t) => [
  uniqueIndex("usernames_username_unique").on(t.username),
  index("usernames_user_idx").on(t.userId),
]);

export const recipients = mysqlTable("recipients", {
  id: uuidPk(),
  userId: uuidRef("user_id").notNull(),
  email: varchar("email", { length: 254 }).notNull(),
  emailVerifiedAt: datetime("email_verified_at", { mode: "date" }),
  /** When the last verification mail was queued (at most one per 10 minutes, worker/accounts/verification-mail.ts). */
  verificationSentAt: datetime("verification_sent_at", { mode: "date" }),
  canReplySend: boolean("can_reply_send").notNull().default(true),
  shouldEncrypt: boolean("should_encrypt").notNull().default(false),
  fingerprint: varchar("fingerprint", { length: 64 }),
  ...timestamps,
}, (t) => [
  uniqueIndex("recipients_user_email_unique").on(t.userId, t.email),
  index("recipients_email_idx").on(t.email),
]);

export const apiTokens = mysqlTable("api_tokens", {
  id: uuidPk(),
  userId: uuidRef("user_id").notNull(),
  name: varchar("name", { length: 100 }).notNull(),
  /** Hex SHA-256 of the token; the token itself is shown once and never stored. */
  tokenHash: char("token_hash", { length: 64 }).notNull(),
  expiresAt: datetime("expires_at", { mode: "date" }),
  lastUsedAt: datetime("last_used_at", { mode: "date" }),
  ...timestamps,
}, (t) => [
  uniqueIndex("api_tokens_hash_unique").on(t.tokenHash),
  index("api_tokens_user_idx").on(t.userId),
]);

