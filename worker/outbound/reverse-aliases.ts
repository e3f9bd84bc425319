/**
 * The stored short-token form of reverse aliases (common/reverse-alias.ts): `<alias>+t_<token>@<domain>`
 * for correspondents whose plain form would exceed 64 octets or is not ASCII. One token per (alias,
 * correspondent), made on first use and reused afterwards, so replies keep working for that thread.
 */
import { and, eq, inArray } from "drizzle-orm";
import {
  decodeTokenReverseAlias, encodeTokenReverseAlias, newReverseAliasToken,
} from "../../common/reverse-alias.js";
import type { Db } from "../../db/client.js";
import { aliases, reverseAliases } from "../../db/schema/index.js";
import { isDuplicateKey } from "../db-errors.js";

/** The sender as stored: local part as written, domain lower-cased. */
export function normalizeSender(sender: string): string {
  const at = sender.lastIndexOf("@");
  return at > 0 ? `${sender.slice(0, at)}@${sender.slice(at + 1).toLowerCase()}` : sender;
}

/**
 * Token-form reverse aliases for `items`, creating tokens that do not exist yet. Items naming an alias
 * that does not exist (or was deleted) are left out.
 * @returns one entry per item that has an alias, with the address to use
 */
export async function issueTokens(db: Db, items: { aliasId: string; sender: string }[], now: Date): Promise<{ aliasId: string; sender: string; address: string }[]> {
  if (items.length === 0) return [];
  const aliasRows = await db.select({ id: aliases.id, email: aliases.email, userId: aliases.userId, deletedAt: aliases.deletedAt })
    .from(aliases).where(inArray(aliases.id, [...new Set(items.map((i) => i.aliasId))]));
  const byId = new Map(aliasRows.filter((a) => a.userId && !a.deletedAt).map((a) => [a.id, a]));
  const out: { aliasId: string; sender: string; address: string }[] = [];
  for (const item of items) {
    const alias = byId.get(item.aliasId);
    if (!alias) continue;
    const sender = normalizeSender(item.sender);
    const token = await tokenFor(db, { aliasId: alias.id, userId: alias.userId!, sender }, now);
    out.push({ aliasId: alias.id, sender: item.sender, address: encodeTokenReverseAlias(alias.email, token) });
  }
  return out;
}

async function tokenFor(db: Db, key: { aliasId: string; userId: string; sender: string }, now: Date): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const [existing] = await db.select({ token: reverseAliases.token }).from(reverseAliases)
      .where(and(eq(reverseAliases.aliasId, key.aliasId), eq(reverseAliases.sender, key.sender))).limit(1);
    if (existing) return existing.token;
    try {
      const token = newReverseAliasToken();
      await db.insert(reverseAliases).values({ id: crypto.randomUUID(), token, ...key, createdAt: now });
      return token;
    } catch (err) {
      // Another bridge stored this sender at the same moment (then the select finds it), or a token collided.
      if (!isDuplicateKey(err)) throw err;
    }
  }
  throw new Error("could not store a reverse-alias token");
}

/**
 * Looks up token-form addresses. An address decodes only when its token exists and belongs to the alias
 * the address names.
 * @returns per address: the alias id and correspondent, or nulls
 */
export async function lookupTokens(db: Db, addresses: string[]): Promise<{ address: string; aliasId: string | null; sender: string | null }[]> {
  const decoded = addresses.map((address) => ({ address, parts: decodeTokenReverseAlias(address) }));
  const tokens = decoded.flatMap((d) => (d.parts ? [d.parts.token] : []));
  const rows = tokens.length === 0 ? [] : await db
    .select({ token: reverseAliases.token, aliasId: reverseAliases.aliasId, sender: reverseAliases.sender, email: aliases.email })
    .from(reverseAliases).innerJoin(aliases, eq(aliases.id, reverseAliases.aliasId))
    .where(inArray(reverseAliases.token, tokens));
  const byToken = new Map(rows.map((r) => [r.token, r]));
  return decoded.map(({ address, parts }) => {
    const row = parts ? byToken.get(parts.token) : undefined;
    const matches = row && parts && row.email === `${parts.aliasLocal.toLowerCase()}@${parts.aliasDomain}`;
    return { address, aliasId: matches ? row.aliasId : null, sender: matches ? row.sender : null };
  });
}
