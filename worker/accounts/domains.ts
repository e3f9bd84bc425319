/**
 * Shared domains (operator) and custom domains (an account's), and the list of domains a user may
 * create aliases on ("domain options").
 */
import { and, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { domains, plans, usernames, users } from "../../db/schema/index.js";
import { randomString } from "../auth/tokens.js";
import { normalizeDomain } from "../domain/address.js";
import { ApiError } from "../errors.js";
import { limitsOf } from "../plans/plans.js";
import { insertDomainRow } from "./domain-claims.js";
import type { Executor } from "./account-lock.js";

function domainOrThrow(input: string): string {
  const domain = normalizeDomain(input.trim());
  if (!domain) throw new ApiError("VALIDATION", "domain is not a valid domain name", "domain");
  return domain;
}

/** Adds a shared domain (served for every account, or for paid plans only). */
export async function addSharedDomain(db: Db, input: { domain: string; paidOnly: boolean }, now: Date): Promise<{ id: string; domain: string }> {
  const domain = domainOrThrow(input.domain);
  const id = crypto.randomUUID();
  await insertDomainRow(db, { id, domain, kind: "shared", paidOnly: input.paidOnly, verifiedAt: now, claimedBy: "", createdAt: now, updatedAt: now });
  return { id, domain };
}

/**
 * Adds a custom domain to an account, unverified unless `verified` (operator use: skips the DNS check).
 * Unverified, it is only a claim that blocks nobody and expires (./domain-claims.ts). A domain under
 * one of our shared domains is refused: it would capture `<username>.<shared>` mail.
 * @throws ApiError VALIDATION (`domain` invalid or under a shared domain), CONFLICT (held by a shared or
 *   verified domain, or already claimed by this account)
 */
export async function addCustomDomain(db: Executor, input: { userId: string; domain: string; verified: boolean }, now: Date): Promise<{ id: string; domain: string }> {
  const domain = domainOrThrow(input.domain);
  const labels = domain.split(".");
  const parents = labels.slice(1, -1).map((_, i) => labels.slice(i + 1).join("."));
  if (parents.length > 0) {
    const shared = await db.select({ id: domains.id }).from(domains).where(and(eq(domains.kind, "shared"), inArray(domains.domain, parents))).limit(1);
    if (shared.length > 0) throw new ApiError("VALIDATION", "The domain may not be under one of this service's shared domains.", "domain");
  }
  const id = crypto.randomUUID();
  await insertDomainRow(db, {
    id, domain, kind: "custom", userId: input.userId, verificationToken: randomString(32),
    verifiedAt: input.verified ? now : null, claimedBy: input.verified ? "" : input.userId, createdAt: now, updatedAt: now,
  });
  return { id, domain };
}

/** One domain a user may put an alias on, and the row it belongs to. */
export interface DomainOption {
  /** The alias domain, e.g. `example.net`, `jane.example.net`, `mydomain.org`. */
  domain: string;
  domainId: string;
  usernameId: string | null;
  /** A shared domain itself, a custom domain, or a username subdomain of a shared domain. */
  kind: "shared" | "custom" | "username";
  /** On a shared domain for paid plans only (only offered to paid plans). */
  paidOnly: boolean;
}

/**
 * The domains `userId` may create aliases on, in addy.io's order: shared domains its plan allows (a
 * paid-only one only on a paid plan, worker/plans/), its verified, active custom domains, then
 * `<username>.<shared domain>` for each active username and each of those shared domains.
 */
export async function domainOptions(db: Db, userId: string): Promise<DomainOption[]> {
  const [user] = await db.select({ plan: plans }).from(users).leftJoin(plans, eq(plans.name, users.plan)).where(eq(users.id, userId)).limit(1);
  if (!user) return [];
  const paid = limitsOf(user.plan).paid;
  const [shared, custom, names] = await Promise.all([
    db.select().from(domains).where(and(eq(domains.kind, "shared"), eq(domains.active, true))),
    db.select().from(domains).where(and(eq(domains.userId, userId), eq(domains.kind, "custom"), eq(domains.active, true), isNotNull(domains.verifiedAt))),
    db.select().from(usernames).where(and(eq(usernames.userId, userId), eq(usernames.active, true), isNull(usernames.deletedAt))),
  ]);
  const allowed = shared.filter((s) => paid || !s.paidOnly).sort((a, b) => a.domain.localeCompare(b.domain));
  const options: DomainOption[] = allowed.map((d) => ({ domain: d.domain, domainId: d.id, usernameId: null, kind: "shared" as const, paidOnly: d.paidOnly }));
  for (const d of custom.sort((a, b) => a.domain.localeCompare(b.domain))) options.push({ domain: d.domain, domainId: d.id, usernameId: null, kind: "custom", paidOnly: false });
  for (const u of names.sort((a, b) => a.username.localeCompare(b.username))) {
    for (const d of allowed) options.push({ domain: `${u.username}.${d.domain}`, domainId: d.id, usernameId: u.id, kind: "username", paidOnly: d.paidOnly });
  }
  return options;
}
