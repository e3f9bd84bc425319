/**
 * The database reads (and the one write, creating an alias on first mail) that resolution needs.
 * Each function is one round trip to the database.
 */
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import type { Db } from "../../db/client.js";
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

/** The alias stored under `email` (deleted ones included), joined with its domain, owner, owner's plan and username. */
export async function findAlias(db: Db, email: string): Promise<AliasContext | null> {
  const rows = await db
    .select({ alias: aliases, domain: domains, user: users, username: usernames, plan: plans })
    .from(aliases)
    .innerJoin(domains, eq(domains.id, aliases.domainId))
    .leftJoin(users, eq(users.id, aliases.userId))
    .leftJoin(plans, eq(plans.name, users.plan))
    .leftJoin(usernames, eq(usernames.id, aliases.usernameId))
    .where(eq(aliases.email, email))
    .limit(1);
  return rows[0] ?? null;
}

/**
 * Domain rows whose name is one of `names` (used with a domain and its parent): at most one per name,
 * the one that holds it (shared or verified custom, `claimed_by = ''`); other accounts' pending claims
 * of a name (../accounts/domain-claims.ts) receive nothing and are left out.
 */
export async function findDomains(db: Db, names: string[]): Promise<DomainRow[]> {
  return db.select().from(domains).where(and(inArray(domains.domain, names), eq(domains.claimedBy, "")));
}

/** A username (deleted or not) with its owner and the owner's plan. */
export async function findUsername(db: Db, name: string): Promise<{ username: UsernameRow; user: UserRow | null; plan: PlanRow | null } | null> {
  const rows = await db
    .select({ username: usernames, user: users, plan: plans })
    .from(usernames)
    .leftJoin(users, eq(users.id, usernames.userId))
    .leftJoin(plans, eq(plans.name, users.plan))
    .where(eq(usernames.username, name))
    .limit(1);
  return rows[0] ?? null;
}

/** The owner of a custom domain, with its plan. */
export async function findUser(db: Db, id: string): Promise<{ user: UserRow; plan: PlanRow | null } | null> {
  const rows = await db.select({ user: users, plan: plans }).from(users).leftJoin(plans, eq(plans.name, users.plan)).where(eq(users.id, id)).limit(1);
  return rows[0] ?? null;
}

/**
 * The verified mailboxes an alias forwards to: its attached recipients, or else the first default that
 * is set (username's, custom domain's, then the account's), as at addy.io. Two queries, run in parallel.
 */
export async function verifiedRecipients(db: Db, ctx: AliasContext & { user: UserRow }): Promise<{ id: string; email: string }[]> {
  const fallbackId = ctx.username?.defaultRecipientId
    ?? (ctx.domain.kind === "custom" ? ctx.domain.defaultRecipientId : null)
    ?? ctx.user.defaultRecipientId;
  const [attached, fallback] = await Promise.all([
    db.select({ id: recipients.id, email: recipients.email })
      .from(aliasRecipients)
      .innerJoin(recipients, eq(recipients.id, aliasRecipients.recipientId))
      .where(and(eq(aliasRecipients.aliasId, ctx.alias.id), isNotNull(recipients.emailVerifiedAt))),
    fallbackId
      ? db.select({ id: recipients.id, email: recipients.email }).from(recipients)
        .where(and(eq(recipients.id, fallbackId), eq(recipients.userId, ctx.user.id), isNotNull(recipients.emailVerifiedAt)))
      : Promise.resolve([]),
  ]);
  return attached.length > 0 ? attached : fallback;
}

/**
 * Creates an alias received for the first time (catch-all). When another bridge created it at the
 * same moment, the unique index on `email` refuses ours and the existing row is returned.
 */
export async function createAliasOnFirstMail(
  db: Db, input: { userId: string; usernameId: string | null; domain: DomainRow; local: string; fullDomain: string }, now: Date,
): Promise<AliasContext | null> {
  const email = `${input.local}@${input.fullDomain}`;
  try {
    await db.insert(aliases).values({
      id: crypto.randomUUID(),
      userId: input.userId,
      usernameId: input.usernameId,
      domainId: input.domain.id,
      localPart: input.local,
      domain: input.fullDomain,
      email,
      createdAt: now,
      updatedAt: now,
    });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  return findAlias(db, email);
}
