/**
 * The database reads (and the one write, creating an alias on first mail) that resolution needs.
 * Each function that takes the database is one round trip to it.
 */
import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/mysql-core";
import type { Db } from "../../db/client.js";
import { preparedQuery } from "../../db/prepared.js";
import { isDuplicateKey } from "../db-errors.js";
import { aliasRecipients, aliases, domains, plans, recipients, usernames, users } from "../../db/schema/index.js";
import type { PlanRow } from "../plans/plans.js";

export type AliasRow = typeof aliases.$inferSelect;
export type DomainRow = typeof domains.$inferSelect;
export type UserRow = typeof users.$inferSelect;
export type UsernameRow = typeof usernames.$inferSelect;

/** An alias with everything that decides what happens to its mail. */
export interface AliasContext {
  alias: AliasRow;
  domain: DomainRow;
  user: UserRow | null;
  username: UsernameRow | null;
  /** The owner's plan (null: no owner, or its plan row is missing; see worker/plans/plans.ts limitsOf). */
  plan: PlanRow | null;
}

/** A username with its owner and the owner's plan. */
export interface UsernameContext {
  username: UsernameRow;
  user: UserRow | null;
  plan: PlanRow | null;
}

/** A served domain with whom it belongs to. */
export interface DomainCandidate {
  domain: DomainRow;
  /** A custom domain's owner and the owner's plan (null for a shared domain, or an owner gone). */
  user: UserRow | null;
  plan: PlanRow | null;
  /** On the parent's row only: the username the address's first label names (deleted or not), if any. */
  username: UsernameContext | null;
}

const aliasByEmail = preparedQuery((db) => db
  .select({ alias: aliases, domain: domains, user: users, username: usernames, plan: plans })
  .from(aliases)
  .innerJoin(domains, eq(domains.id, aliases.domainId))
  .leftJoin(users, eq(users.id, aliases.userId))
  .leftJoin(plans, eq(plans.name, users.plan))
  .leftJoin(usernames, eq(usernames.id, aliases.usernameId))
  .where(eq(aliases.email, sql.placeholder("email")))
  .limit(1)
  .prepare());

/** The alias stored under `email` (deleted ones included), joined with its domain, owner, owner's plan and username. */
export async function findAlias(db: Db, email: string): Promise<AliasContext | null> {
  const rows = await aliasByEmail(db).execute({ email });
  return rows[0] ?? null;
}

const usernameOwners = alias(users, "username_owner");
const usernameOwnerPlans = alias(plans, "username_owner_plan");

/** {@link findDomains}'s statement; `withParent` adds the parent's row and the username it names. */
function domainsStatement(db: Db, withParent: boolean) {
  return db
    .select({ domain: domains, user: users, plan: plans, username: usernames, usernameUser: usernameOwners, usernamePlan: usernameOwnerPlans })
    .from(domains)
    .leftJoin(users, eq(users.id, domains.userId))
    .leftJoin(plans, eq(plans.name, users.plan))
    .leftJoin(usernames, withParent
      ? and(eq(domains.domain, sql.placeholder("parentDomain")), eq(usernames.username, sql.placeholder("parentName")))
      : sql`false`)
    .leftJoin(usernameOwners, eq(usernameOwners.id, usernames.userId))
    .leftJoin(usernameOwnerPlans, eq(usernameOwnerPlans.name, usernameOwners.plan))
    .where(and(
      withParent
        ? inArray(domains.domain, [sql.placeholder("domain"), sql.placeholder("parentDomain")])
        : eq(domains.domain, sql.placeholder("domain")),
      eq(domains.claimedBy, ""),
    ))
    .prepare();
}
const domainsWithParent = preparedQuery((db) => domainsStatement(db, true));
const domainsAlone = preparedQuery((db) => domainsStatement(db, false));

/**
 * What the domain part of an address can name, in one query: the rows of `domain` and of its `parent`
 * (`jane.share.test` → `share.test`, name `jane`) that hold their names (shared or verified custom,
 * `claimed_by = ''`; other accounts' pending claims of a name, ../accounts/domain-claims.ts, receive
 * nothing and are left out), each with its owner; the parent's row also with the username `parent.name`
 * (for first mail to `x@<username>.<shared domain>`).
 */
export async function findDomains(db: Db, domain: string, parent: { domain: string; name: string } | null): Promise<DomainCandidate[]> {
  const rows = parent
    ? await domainsWithParent(db).execute({ domain, parentDomain: parent.domain, parentName: parent.name })
    : await domainsAlone(db).execute({ domain });
  return rows.map((r) => ({
    domain: r.domain,
    user: r.user,
    plan: r.plan,
    username: r.username ? { username: r.username, user: r.usernameUser, plan: r.usernamePlan } : null,
  }));
}

/**
 * The verified mailboxes an alias forwards to: its attached recipients, or else the first default that
 * is set (username's, custom domain's, then the account's), as at addy.io. One query: the attached rows
 * and the default row, marked, in a UNION ALL (each part uses its own index).
 */
export async function verifiedRecipients(db: Db, ctx: AliasContext & { user: UserRow }): Promise<{ id: string; email: string }[]> {
  const fallbackId = ctx.username?.defaultRecipientId
    ?? (ctx.domain.kind === "custom" ? ctx.domain.defaultRecipientId : null)
    ?? ctx.user.defaultRecipientId;
  const attached = db.select({ id: recipients.id, email: recipients.email, attached: sql<number>`1`.mapWith(Number).as("attached") })
    .from(aliasRecipients)
    .innerJoin(recipients, eq(recipients.id, aliasRecipients.recipientId))
    .where(and(eq(aliasRecipients.aliasId, ctx.alias.id), isNotNull(recipients.emailVerifiedAt)));
  const rows = fallbackId
    ? await attached.unionAll(
      db.select({ id: recipients.id, email: recipients.email, attached: sql<number>`0`.mapWith(Number).as("attached") })
        .from(recipients)
        .where(and(eq(recipients.id, fallbackId), eq(recipients.userId, ctx.user.id), isNotNull(recipients.emailVerifiedAt))),
    )
    : await attached;
  const fromAlias = rows.filter((r) => r.attached === 1);
  return (fromAlias.length > 0 ? fromAlias : rows).map(({ id, email }) => ({ id, email }));
}

/**
 * The row of an alias received for the first time (catch-all), every column set: it is what
 * {@link insertAlias} stores, so resolution decides with it without reading it back.
 */
export function firstMailAlias(
  input: { userId: string; usernameId: string | null; domain: DomainRow; local: string; fullDomain: string }, now: Date,
): AliasRow {
  return {
    id: crypto.randomUUID(),
    userId: input.userId,
    usernameId: input.usernameId,
    domainId: input.domain.id,
    localPart: input.local,
    extension: null,
    domain: input.fullDomain,
    email: `${input.local}@${input.fullDomain}`,
    active: true,
    deactivatedByPlan: false,
    pinned: false,
    description: null,
    fromName: null,
    attachedRecipientsOnly: false,
    emailsForwarded: 0,
    emailsBlocked: 0,
    emailsReplied: 0,
    emailsSent: 0,
    lastForwarded: null,
    lastBlocked: null,
    lastReplied: null,
    lastSent: null,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
}

/**
 * Stores an alias made by {@link firstMailAlias}.
 * @returns false when the address was taken meanwhile (another bridge created it at the same moment:
 *   the unique index on `email` refused ours); read the stored row with {@link findAlias} then
 */
export async function insertAlias(db: Db, row: AliasRow): Promise<boolean> {
  try {
    await db.insert(aliases).values(row);
    return true;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return false;
  }
}
