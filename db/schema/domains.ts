/**
 * Domains we receive mail for: shared domains run by the operator (optionally for paid plans only)
 * and custom domains owned by one account.
 *
 * A shared domain `example.net` also serves every username subdomain `<username>.example.net`.
 * Unverified custom domains are only claims (see `claimedBy`); they expire after 72 hours.
 */
import { boolean, datetime, index, mysqlTable, uniqueIndex, varchar } from "drizzle-orm/mysql-core";
import { timestamps, uuidPk, uuidRef } from "./columns.js";

export const domains = mysqlTable("domains", {
  id: uuidPk(),
  /** Lower-case A-label form (IDNA) of the domain. */
  domain: varchar("domain", { length: 253 }).notNull(),
  /** `shared` (operator's; `user_id` null) or `custom` (an account's). */
  kind: varchar("kind", { length: 8 }).notNull(),
  /** Shared domains only: usable by paid plans only, both as itself and as `<username>.<domain>`. */
  paidOnly: boolean("paid_only").notNull().default(false),
  userId: uuidRef("user_id"),
  description: varchar("description", { length: 200 }),
  fromName: varchar("from_name", { length: 100 }),
  defaultRecipientId: uuidRef("default_recipient_id"),
  active: boolean("active").notNull().default(true),
  catchAll: boolean("catch_all").notNull().default(true),
  /** Random token the owner publishes as TXT to prove ownership. */
  verificationToken: varchar("verification_token", { length: 64 }),
  /** When ownership (and MX) was verified; custom domains receive mail only once set. */
  verifiedAt: datetime("verified_at", { mode: "date" }),
  /**
   * `''` for a domain that is the service's (shared) or an account's (verified custom); the claiming
   * account's id while a custom domain is unverified. Unique with `domain`: at most one shared or
   * verified row per domain, and besides it any number of pending claims, one per account, so an
   * unverified claim never blocks the real owner (whoever verifies first wins; worker/accounts/domain-claims.ts).
   */
  claimedBy: varchar("claimed_by", { length: 36 }).notNull().default(""),
  ...timestamps,
}, (t) => [
  uniqueIndex("domains_domain_claim_unique").on(t.domain, t.claimedBy),
  index("domains_user_idx").on(t.userId),
]);
