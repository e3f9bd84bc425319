/**
 * Creating and switching aliases on behalf of a user (admin CLI now; dashboard and API later).
 */
import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { aliases } from "../../db/schema/index.js";
import { isDuplicateKey } from "../db-errors.js";
import { parseAddress } from "../domain/address.js";
import { type AliasFormat, CUSTOM_LOCAL_PART, generateLocalPart } from "../domain/alias-format.js";
import { ApiError } from "../errors.js";
import { domainOptions } from "./domains.js";

export interface NewAlias {
  userId: string;
  /** One of the user's domain options. */
  domain: string;
  format: AliasFormat;
  /** Required when format is `custom`. */
  localPart?: string | undefined;
  description?: string | undefined;
}

/**
 * Creates an alias. Random formats retry on the (rare) collision with an existing address.
 * @returns the new alias row
 * @throws ApiError VALIDATION (domain not an option, bad local part), CONFLICT (custom address taken)
 */
export async function createAlias(db: Db, input: NewAlias, now: Date): Promise<typeof aliases.$inferSelect> {
  const domain = input.domain.trim().toLowerCase();
  const option = (await domainOptions(db, input.userId)).find((o) => o.domain === domain);
  if (!option) throw new ApiError("VALIDATION", "domain is not one of your domain options", "domain");
  const custom = input.format === "custom";
  if (custom && !CUSTOM_LOCAL_PART.test((input.localPart ?? "").toLowerCase())) {
    throw new ApiError("VALIDATION", "local_part may hold letters, digits, '.', '_' and '-' (at most 64)", "local_part");
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    const local = custom ? input.localPart!.toLowerCase() : generateLocalPart(input.format as Exclude<AliasFormat, "custom">);
    const row = {
      id: crypto.randomUUID(), userId: input.userId, usernameId: option.usernameId, domainId: option.domainId,
      localPart: local, domain, email: `${local}@${domain}`, description: input.description ?? null,
      createdAt: now, updatedAt: now,
    };
    try {
      await db.insert(aliases).values(row);
      const [created] = await db.select().from(aliases).where(eq(aliases.id, row.id));
      return created!;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      if (custom) throw new ApiError("CONFLICT", "that alias already exists", "local_part");
    }
  }
  throw new ApiError("INTERNAL", "could not find a free random alias");
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
  await db.update(aliases).set({ active, updatedAt: now }).where(and(eq(aliases.id, row.id)));
  return { id: row.id, email };
}
