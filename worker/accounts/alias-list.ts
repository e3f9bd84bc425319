/**
 * Listing an account's aliases with addy.io's filters, sorts and pages, all done by the database
 * (no filtering in memory). The default order (pinned first, newest first) is read straight off the
 * indexes `aliases_user_live_list_idx` / `aliases_user_list_idx` (db/schema/aliases.ts), so a page of 100
 * out of 10,000 aliases reads about 100 index entries; other sorts sort only the user's rows. A search
 * (`LIKE '%…%'` on address and description, which no index can seek) reads `aliases_user_search_idx`,
 * which holds both columns in the default order: index entries, not rows, stopping at the page's last
 * match (MariaDB 10.11, 10,000 aliases, 11 matches: about a sixth of the time of the list index plus a
 * row read per alias, which the optimizer picks on its own to avoid sorting).
 */
import { type SQL, and, asc, count, desc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { aliasRecipients, aliases, domains, recipients, usernames, users } from "../../db/schema/index.js";
import { type AliasWithRecipients, aliasOwner } from "./aliases.js";

export const ALIAS_SORT_FIELDS = [
  "local_part", "domain", "email", "emails_forwarded", "emails_blocked", "emails_replied", "emails_sent",
  "last_forwarded", "last_blocked", "last_replied", "last_sent", "last_used", "active", "created_at", "updated_at",
  "deleted_at",
] as const;
export type AliasSortField = (typeof ALIAS_SORT_FIELDS)[number];

/** Filters, sort and page of {@link listAliases}; absent filters do not filter. */
export interface AliasListQuery {
  /** Matched literally (no wildcards) against the address and the description. */
  search?: string | undefined;
  active?: boolean | undefined;
  pinned?: boolean | undefined;
  /** `without` (default): live aliases; `with`: all; `only`: deleted ones. */
  deleted?: "with" | "without" | "only" | undefined;
  /** Absent: newest first. Pinned aliases always come first. */
  sort?: { field: AliasSortField; descending: boolean } | undefined;
  /** Aliases forwarding to this recipient: attached, or by the username's, domain's or account's default. */
  recipientId?: string | undefined;
  /** Aliases on this custom domain (not through a username). */
  domainId?: string | undefined;
  usernameId?: string | undefined;
  /** 1-based. */
  page: number;
  /** 1–100. */
  size: number;
}

/** One page of aliases and the total over all pages. */
export interface AliasPage {
  items: AliasWithRecipients[];
  total: number;
  page: number;
  size: number;
  /** At least 1. */
  lastPage: number;
}

const SORT_COLUMNS: Record<Exclude<AliasSortField, "last_used">, Parameters<typeof asc>[0]> = {
  local_part: aliases.localPart, domain: aliases.domain, email: aliases.email,
  emails_forwarded: aliases.emailsForwarded, emails_blocked: aliases.emailsBlocked,
  emails_replied: aliases.emailsReplied, emails_sent: aliases.emailsSent,
  last_forwarded: aliases.lastForwarded, last_blocked: aliases.lastBlocked, last_replied: aliases.lastReplied,
  last_sent: aliases.lastSent, active: aliases.active, created_at: aliases.createdAt, updated_at: aliases.updatedAt,
  deleted_at: aliases.deletedAt,
};

/** The latest of forwarded, replied and sent (addy.io's `last_used`); never-used sorts as oldest. */
const LAST_USED = sql`GREATEST(COALESCE(${aliases.lastForwarded}, '1970-01-01'), COALESCE(${aliases.lastReplied}, '1970-01-01'), COALESCE(${aliases.lastSent}, '1970-01-01'))`;

/** `value` as a LIKE pattern that matches it literally anywhere (escape character `!`). */
export function containsPattern(value: string): string {
  return `%${value.replace(/[!%_]/g, (ch) => `!${ch}`)}%`;
}

function conditions(userId: string, q: AliasListQuery): SQL[] {
  const where: SQL[] = [eq(aliases.userId, userId)];
  const deleted = q.deleted ?? "without";
  if (deleted === "without") where.push(isNull(aliases.deletedAt));
  if (deleted === "only") where.push(isNotNull(aliases.deletedAt));
  if (q.active !== undefined) where.push(eq(aliases.active, q.active));
  if (q.pinned !== undefined) where.push(eq(aliases.pinned, q.pinned));
  if (q.usernameId) where.push(eq(aliases.usernameId, q.usernameId));
  if (q.domainId) where.push(and(eq(aliases.domainId, q.domainId), isNull(aliases.usernameId))!);
  if (q.search) {
    const pattern = containsPattern(q.search);
    where.push(sql`(${aliases.email} LIKE ${pattern} ESCAPE '!' OR ${aliases.description} LIKE ${pattern} ESCAPE '!')`);
  }
  if (q.recipientId) where.push(usesRecipient(q.recipientId));
  return where;
}

/** Mirrors resolution (worker/resolve/lookup.ts): attached recipients, else the first default set. */
function usesRecipient(recipientId: string): SQL {
  return sql`(EXISTS (SELECT 1 FROM ${aliasRecipients} WHERE ${aliasRecipients.aliasId} = ${aliases.id} AND ${aliasRecipients.recipientId} = ${recipientId})
    OR (NOT EXISTS (SELECT 1 FROM ${aliasRecipients} WHERE ${aliasRecipients.aliasId} = ${aliases.id})
      AND COALESCE(
        (SELECT ${usernames.defaultRecipientId} FROM ${usernames} WHERE ${usernames.id} = ${aliases.usernameId}),
        (SELECT ${domains.defaultRecipientId} FROM ${domains} WHERE ${domains.id} = ${aliases.domainId} AND ${domains.kind} = 'custom'),
        (SELECT ${users.defaultRecipientId} FROM ${users} WHERE ${users.id} = ${aliases.userId})
      ) = ${recipientId}))`;
}

function ordering(q: AliasListQuery): SQL[] {
  const order: SQL[] = [desc(aliases.pinned)];
  if (!q.sort) return [...order, desc(aliases.createdAt), desc(aliases.id)];
  const dir = q.sort.descending ? desc : asc;
  order.push(q.sort.field === "last_used" ? (q.sort.descending ? sql`${LAST_USED} DESC` : sql`${LAST_USED} ASC`) : dir(SORT_COLUMNS[q.sort.field]));
  return [...order, desc(aliases.createdAt), desc(aliases.id)];
}

/**
 * One page of `userId`'s aliases with their recipients and the total over all pages.
 *
 * One statement reads the page, its recipients and its domains' kinds ({@link pageStatement}). The
 * total is a `COUNT(*)`: without a search it runs alongside the page (a large account's pages are
 * usually full, and then only a count can tell the total). A search counts only when the page cannot
 * tell: a page that is not full, and not past the end, ends the matches, so a narrow search (the usual
 * one) scans the account's index entries once.
 * @example listAliases(db, userId, { deleted: "with", search: "shop", page: 1, size: 100 })
 */
export async function listAliases(db: Db, userId: string, q: AliasListQuery): Promise<AliasPage> {
  const countAll = async () => Number((await db.select({ n: count() }).from(aliases).where(and(...conditions(userId, q))))[0]?.n ?? 0);
  const [rows, counted] = await Promise.all([pageStatement(db, userId, q), q.search ? undefined : countAll()]);
  const items = groupPage(rows);
  const ended = items.length < q.size && (items.length > 0 || q.page === 1);
  const total = counted ?? (ended ? (q.page - 1) * q.size + items.length : await countAll());
  return { items, total, page: q.page, size: q.size, lastPage: Math.max(1, Math.ceil(total / q.size)) };
}

/** The search's index (db/schema/aliases.ts): the account's entries with email and description. */
const SEARCH_INDEX = "aliases_user_search_idx";

/** The ids of the page's aliases, in order: the query that reads the index (EXPLAIN it in tests and benchmarks). */
export function listAliasesQuery(db: Db, userId: string, q: AliasListQuery) {
  return db.select({ id: aliases.id }).from(aliases, q.search ? { forceIndex: SEARCH_INDEX } : {})
    .where(and(...conditions(userId, q))).orderBy(...ordering(q)).limit(q.size).offset((q.page - 1) * q.size);
}

/**
 * The page as one statement: the ids ({@link listAliasesQuery}) as a derived table, joined to the
 * aliases, their attached recipients (oldest first) and their domains. An alias with n recipients is n rows.
 */
function pageStatement(db: Db, userId: string, q: AliasListQuery) {
  const page = listAliasesQuery(db, userId, q).as("page");
  return db.select({ alias: aliases, recipient: recipients, kind: domains.kind })
    .from(page)
    .innerJoin(aliases, eq(aliases.id, page.id))
    .leftJoin(aliasRecipients, eq(aliasRecipients.aliasId, aliases.id))
    .leftJoin(recipients, eq(recipients.id, aliasRecipients.recipientId))
    .leftJoin(domains, eq(domains.id, aliases.domainId))
    .orderBy(...ordering(q), asc(recipients.createdAt));
}

/** Rows of {@link pageStatement} (one per alias and recipient, in page order) → one item per alias. */
function groupPage(rows: Awaited<ReturnType<typeof pageStatement>>): AliasWithRecipients[] {
  const items: AliasWithRecipients[] = [];
  let last: AliasWithRecipients | undefined;
  for (const row of rows) {
    if (last?.alias.id !== row.alias.id) {
      last = { alias: row.alias, recipients: [], owner: aliasOwner(row.alias, row.kind) };
      items.push(last);
    }
    if (row.recipient) last.recipients.push(row.recipient);
  }
  return items;
}
