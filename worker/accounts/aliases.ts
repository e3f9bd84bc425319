/**
 * Aliases of an account: create, read, edit. Listing is in alias-list.ts; delete/restore/forget and
 * the switches in alias-state.ts; recipients and bulk actions in alias-recipients.ts and alias-bulk.ts.
 *
 * Every function takes the acting `userId` and only ever touches that user's rows: another user's alias
 * id is NOT_FOUND, exactly like an id that does not exist.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { aliasRecipients, aliases, domains, recipients, users } from "../../db/schema/index.js";
import { isDuplicateKey } from "../db-errors.js";
import { parseAddress } from "../domain/address.js";
import { ALIAS_FORMATS, type AliasFormat, generateLocalPart, parseCustomLocalPart } from "../domain/alias-format.js";
import { isReservedSharedLocalPart } from "../domain/reserved-local-parts.js";
import { ApiError } from "../errors.js";
import { assertCanAdd, paidOnlyRefusal } from "../plans/enforce.js";
import { planOfUser } from "../plans/plans.js";
import { withAccountLock } from "./account-lock.js";
import { domainOptions } from "./domains.js";
import { fromNameOrThrow } from "./from-name.js";
import { reserveAliasCreation } from "./rate-limits.js";

export type AliasRow = typeof aliases.$inferSelect;
export type RecipientRow = typeof recipients.$inferSelect;

/** An alias with the recipients attached to it (empty: it uses the default recipient). */
export interface AliasWithRecipients {
  alias: AliasRow;
  recipients: RecipientRow[];
  /** Where it lives: a username subdomain, a custom domain, or directly a shared domain. */
  owner: "username" | "custom" | "shared";
}

/** At most this many recipients per alias (addy.io's limit). */
export const MAX_ALIAS_RECIPIENTS = 10;

/** What {@link createAlias} takes. */
export interface NewAlias {
  /** One of the user's domain options, e.g. `jane.example.net`. */
  domain: string;
  /** Absent or null: the account's default format (itself defaulting to `random_characters`). */
  format?: AliasFormat | null | undefined;
  /** Required when format is `custom`; may be `local+extension`. Ignored otherwise. */
  localPart?: string | null | undefined;
  description?: string | null | undefined;
  fromName?: string | null | undefined;
  /** Verified recipients of the user to attach (≤ 10); absent or empty: the default recipient. */
  recipientIds?: string[] | null | undefined;
}

/** Limits the caller applies to {@link createAlias}. */
export interface CreatePolicy {
  /**
   * The account's plan (read now, worker/plans/): new aliases per hour and active shared-domain
   * aliases. False for operator actions, which are not limited.
   */
  enforcePlan: boolean;
}

/**
 * Creates an alias. Random formats retry on the (rare) collision with an existing address; every
 * address is unique forever, deleted aliases included.
 * @returns the new alias with its recipients
 * @throws ApiError VALIDATION (`domain` not an option, saying so when it is for paid plans only; bad
 *   `local_part`, bad `recipient_ids`), CONFLICT (custom address taken, field `local_part`), FORBIDDEN
 *   (the plan's active shared-domain aliases), RATE_LIMITED (the plan's hourly limit; checked last)
 */
export async function createAlias(db: Db, userId: string, input: NewAlias, now: Date, policy: CreatePolicy): Promise<AliasWithRecipients> {
  const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user || user.deletedAt) throw new ApiError("NOT_FOUND", "No such account");
  const domain = input.domain.trim().toLowerCase();
  const option = (await domainOptions(db, userId)).find((o) => o.domain === domain);
  if (!option) throw new ApiError("VALIDATION", await paidOnlyRefusal(db, userId, domain) ?? "The selected domain is invalid.", "domain");
  const format = input.format ?? asFormat(user.defaultAliasFormat);
  let custom: { local: string; extension: string | null } | null = null;
  if (format === "custom") {
    const parsed = parseCustomLocalPart(input.localPart ?? "");
    if ("error" in parsed) throw new ApiError("VALIDATION", `The local part ${parsed.error}.`, "local_part");
    if (option.kind === "shared" && isReservedSharedLocalPart(parsed.local)) {
      throw new ApiError("VALIDATION", "The local part is reserved for the service.", "local_part");
    }
    custom = parsed;
  }
  const fromName = fromNameOrThrow(input.fromName);
  const recipientIds = [...new Set(input.recipientIds ?? [])];
  await checkRecipients(db, userId, recipientIds, "recipient_ids");

  // Each attempt is one transaction under the account's lock (./account-lock.ts): the plan's count,
  // the insert and the hourly counter commit together, or (taken address, refusal) not at all.
  for (let attempt = 0; attempt < 5; attempt++) {
    const local = custom ? custom.local : generateLocalPart(format as Exclude<AliasFormat, "custom">, user.aliasSeparator);
    const id = format === "uuid" ? local : crypto.randomUUID();
    const row = {
      id, userId, usernameId: option.usernameId, domainId: option.domainId, localPart: local,
      extension: custom?.extension ?? null, domain, email: `${local}@${domain}`,
      description: input.description ?? null, fromName, createdAt: now, updatedAt: now,
    };
    try {
      await withAccountLock(db, userId, async (tx) => {
        const plan = policy.enforcePlan ? await planOfUser(tx, userId) : null;
        if (plan && option.kind === "shared") await assertCanAdd(tx, userId, "sharedDomainAliases", 1, plan);
        await tx.insert(aliases).values(row);
        if (recipientIds.length > 0) await tx.insert(aliasRecipients).values(recipientIds.map((recipientId) => ({ aliasId: id, recipientId })));
        if (plan) await reserveAliasCreation(tx, userId, plan.aliasesPerHour, now);
      });
      return getAlias(db, userId, id);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      if (custom) throw new ApiError("CONFLICT", "The alias has already been taken.", "local_part");
    }
  }
  throw new ApiError("INTERNAL", "could not find a free random alias");
}

/**
 * Checks that every id is a verified recipient of `userId` and that there are at most ten.
 * @throws ApiError VALIDATION naming `field`
 */
export async function checkRecipients(db: Db, userId: string, ids: string[], field: string): Promise<void> {
  if (ids.length === 0) return;
  if (ids.length > MAX_ALIAS_RECIPIENTS) throw new ApiError("VALIDATION", `The ${field.replace("_", " ")} may not have more than ${MAX_ALIAS_RECIPIENTS} items.`, field);
  const rows = await db.select({ id: recipients.id, verifiedAt: recipients.emailVerifiedAt }).from(recipients)
    .where(and(eq(recipients.userId, userId), inArray(recipients.id, ids)));
  if (rows.length !== ids.length || rows.some((r) => !r.verifiedAt)) {
    throw new ApiError("VALIDATION", `The selected ${field.replace("_", " ")} is invalid: each must be one of your verified recipients.`, field);
  }
}

/** The attached recipients of each alias in `aliasIds` (one query). */
export async function recipientsOfAliases(db: Db, aliasIds: string[]): Promise<Map<string, RecipientRow[]>> {
  const byAlias = new Map<string, RecipientRow[]>(aliasIds.map((id) => [id, []]));
  if (aliasIds.length === 0) return byAlias;
  const rows = await db.select({ aliasId: aliasRecipients.aliasId, recipient: recipients }).from(aliasRecipients)
    .innerJoin(recipients, eq(recipients.id, aliasRecipients.recipientId))
    .where(inArray(aliasRecipients.aliasId, aliasIds))
    .orderBy(recipients.createdAt);
  for (const row of rows) byAlias.get(row.aliasId)?.push(row.recipient);
  return byAlias;
}

/** Adds recipients and owner kind to alias rows (two queries in parallel, whatever the number of rows). */
export async function hydrateAliases(db: Db, rows: AliasRow[]): Promise<AliasWithRecipients[]> {
  if (rows.length === 0) return [];
  const domainIds = [...new Set(rows.filter((r) => !r.usernameId).map((r) => r.domainId))];
  const [byAlias, kinds] = await Promise.all([
    recipientsOfAliases(db, rows.map((r) => r.id)),
    domainIds.length > 0 ? db.select({ id: domains.id, kind: domains.kind }).from(domains).where(inArray(domains.id, domainIds)) : Promise.resolve([]),
  ]);
  const kindOf = new Map(kinds.map((k) => [k.id, k.kind]));
  return rows.map((alias) => ({ alias, recipients: byAlias.get(alias.id) ?? [], owner: aliasOwner(alias, kindOf.get(alias.domainId)) }));
}

/**
 * Where an alias lives, from its row and the `kind` of its domain row (`custom`, `shared`; absent when unknown).
 * @example aliasOwner(alias, "custom") // "custom" unless the alias is on a username
 */
export function aliasOwner(alias: AliasRow, domainKind: string | null | undefined): AliasWithRecipients["owner"] {
  return alias.usernameId ? "username" : domainKind === "custom" ? "custom" : "shared";
}

/** The alias `id` of `userId` (deleted ones included) with its recipients. @throws ApiError NOT_FOUND */
export async function getAlias(db: Db, userId: string, id: string): Promise<AliasWithRecipients> {
  const rows = await db.select().from(aliases).where(and(eq(aliases.id, id), eq(aliases.userId, userId))).limit(1);
  if (rows.length === 0) throw new ApiError("NOT_FOUND", "Alias not found");
  return (await hydrateAliases(db, rows))[0]!;
}

/** Those of `ids` that are aliases of `userId` (deleted included), in the order of `ids`. */
export async function getAliases(db: Db, userId: string, ids: string[]): Promise<AliasWithRecipients[]> {
  if (ids.length === 0) return [];
  const rows = await db.select().from(aliases).where(and(eq(aliases.userId, userId), inArray(aliases.id, ids)));
  const byId = new Map((await hydrateAliases(db, rows)).map((a) => [a.alias.id, a]));
  return ids.flatMap((id) => { const found = byId.get(id); return found ? [found] : []; });
}

/**
 * Changes an alias's description and/or from name (absent: unchanged; null: cleared).
 * @throws ApiError NOT_FOUND; VALIDATION (`from_name` against ../domain/display-name.ts)
 */
export async function updateAlias(db: Db, userId: string, id: string, input: { description?: string | null; fromName?: string | null }, now: Date): Promise<AliasWithRecipients> {
  await getAlias(db, userId, id);
  const set: Partial<AliasRow> = { updatedAt: now };
  if (input.description !== undefined) set.description = input.description;
  if (input.fromName !== undefined) set.fromName = fromNameOrThrow(input.fromName);
  await db.update(aliases).set(set).where(and(eq(aliases.id, id), eq(aliases.userId, userId)));
  return getAlias(db, userId, id);
}

function asFormat(value: string): AliasFormat {
  return (ALIAS_FORMATS as readonly string[]).includes(value) && value !== "custom" ? value as AliasFormat : "random_characters";
}

/**
 * Sets an alias active or inactive by address (any owner; operator use).
 * @throws ApiError NOT_FOUND when no such alias exists
 */
export async function setAliasActiveByAddress(db: Db, address: string, active: boolean, now: Date): Promise<{ id: string; email: string }> {
  const addr = parseAddress(address);
  if (!addr) throw new ApiError("VALIDATION", "address is not a valid e-mail address", "address");
  const email = `${addr.local}@${addr.domain}`;
  const [row] = await db.select({ id: aliases.id }).from(aliases).where(eq(aliases.email, email)).limit(1);
  if (!row) throw new ApiError("NOT_FOUND", `no alias ${email}`, "address");
  await db.update(aliases).set({ active, updatedAt: now }).where(eq(aliases.id, row.id));
  return { id: row.id, email };
}
