/**
 * Dashboard authentication: browser sessions and the second factors (TOTP backup
 * codes, WebAuthn passkeys). The TOTP secret itself lives on `users` (encrypted). Login attempts are
 * throttled with the shared fixed-window counters in `rate_limits` (limits.ts).
 */
import { bigint, char, datetime, index, mysqlTable, text, uniqueIndex, varchar } from "drizzle-orm/mysql-core";
import { uuidPk, uuidRef } from "./columns.js";

/**
 * One row per browser session. The cookie holds a random token; only its SHA-256 (hex) is stored here,
 * so a database dump cannot be replayed as cookies.
 */
export const sessions = mysqlTable("sessions", {
  /** Hex SHA-256 of the cookie's token. */
  id: char("id", { length: 64 }).primaryKey(),
  userId: uuidRef("user_id").notNull(),
  /** `active`, or `pending`: the password was right and a second factor is still due. */
  stage: varchar("stage", { length: 8 }).notNull(),
  /** The WebAuthn challenge issued to this session (registration or login), base64url. */
  challenge: varchar("challenge", { length: 128 }),
  ip: varchar("ip", { length: 45 }),
  userAgent: varchar("user_agent", { length: 255 }),
  createdAt: datetime("created_at", { mode: "date" }).notNull(),
  lastSeenAt: datetime("last_seen_at", { mode: "date" }).notNull(),
  expiresAt: datetime("expires_at", { mode: "date" }).notNull(),
}, (t) => [
  index("sessions_user_idx").on(t.userId),
  index("sessions_expires_idx").on(t.expiresAt),
]);

/** One-time TOTP backup codes; only a SHA-256 (hex) of each is kept. */
export const backupCodes = mysqlTable("backup_codes", {
  id: uuidPk(),
  userId: uuidRef("user_id").notNull(),
  codeHash: char("code_hash", { length: 64 }).notNull(),
  usedAt: datetime("used_at", { mode: "date" }),
  createdAt: datetime("created_at", { mode: "date" }).notNull(),
}, (t) => [index("backup_codes_user_idx").on(t.userId)]);

/** WebAuthn credentials (passkeys, security keys) registered as a second factor. */
export const webauthnCredentials = mysqlTable("webauthn_credentials", {
  id: uuidPk(),
  userId: uuidRef("user_id").notNull(),
  /** The authenticator's credential id, base64url. */
  credentialId: varchar("credential_id", { length: 255 }).notNull(),
  /** COSE public key, base64url. */
  publicKey: text("public_key").notNull(),
  /** Signature counter last seen (WebAuthn §6.1.1); many passkeys always report 0. */
  counter: bigint("counter", { mode: "number", unsigned: true }).notNull().default(0),
  /** Comma-separated transports the browser reported (`internal,hybrid`, …). */
  transports: varchar("transports", { length: 100 }),
  name: varchar("name", { length: 100 }).notNull(),
  createdAt: datetime("created_at", { mode: "date" }).notNull(),
  lastUsedAt: datetime("last_used_at", { mode: "date" }),
}, (t) => [
  uniqueIndex("webauthn_credentials_credential_unique").on(t.credentialId),
  index("webauthn_credentials_user_idx").on(t.userId),
]);
