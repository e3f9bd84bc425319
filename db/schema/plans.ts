/**
 * Plans as data (issue 7): what an account on each plan may use. Seeded with addy.io's hosted plans
 * `free`, `lite` and `pro` (migration `0009`), edited by the operator with `npm run admin -- plan:set`.
 * Every limit column is nullable: null means unlimited. The Worker reads a user's plan on every request
 * and every RCPT (joined with `users.plan`), so an edit takes effect at once; nothing caches it.
 */
import { bigint, boolean, int, mysqlTable, varchar } from "drizzle-orm/mysql-core";
import { timestamps } from "./columns.js";

export const plans = mysqlTable("plans", {
  /** `free`, `lite`, `pro`, …: the value of `users.plan`. */
  name: varchar("name", { length: 32 }).primaryKey(),
  /** Paid plans may use the shared domains flagged `paid_only`, as themselves and as `<username>.<domain>`. */
  paid: boolean("paid").notNull().default(false),
  /** Bytes forwarded, replied and sent per calendar month (UTC); past it, RCPT gets `552 5.2.2`. */
  bandwidthBytes: bigint("bandwidth_bytes", { mode: "number", unsigned: true }),
  /** Active aliases directly on shared domains (`x@<shared domain>`; username subdomains not counted). */
  sharedDomainAliases: int("shared_domain_aliases", { unsigned: true }),
  /** Recipients (real mailboxes), verified or not. */
  recipients: int("recipients", { unsigned: true }),
  /** Active custom domains. */
  customDomains: int("custom_domains", { unsigned: true }),
  /** Usernames besides the account's own (its first username is always there). */
  usernames: int("usernames", { unsigned: true }),
  /** Active rules (reported in `account-details`; rules themselves do not exist yet). */
  rules: int("rules", { unsigned: true }),
  /** Replies and sends per UTC day; past it, a reply is accepted, not sent, recorded and the owner told. */
  repliesPerDay: int("replies_per_day", { unsigned: true }),
  /** New aliases per hour, from the API, the dashboard and first mail to a catch-all (`450 4.2.1` at RCPT). */
  aliasesPerHour: int("aliases_per_hour", { unsigned: true }),
  ...timestamps,
});
