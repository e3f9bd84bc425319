/**
 * Recipient resolution: what to do with one RCPT TO (DESIGN.md §3 "resolve", §4 "Alias kinds").
 *
 * - `x@<shared domain>`: only aliases that exist (created in the dashboard or API).
 * - `x@<username>.<shared domain>`: existing aliases, or created on first mail when the username's
 *   catch-all is on (the default; ./first-mail.ts).
 * - `x@<custom domain>`: existing aliases, or created on first mail when the verified domain's
 *   catch-all is on.
 * - Inactive alias (or its username / domain switched off) → discard: 250, nothing delivered, the
 *   bridge reports `blocked` (./forward.ts).
 * - Unknown or deleted → 550 5.1.1. A domain we do not serve → 550 5.7.1 (never an open relay).
 * - Before any of that: our VERP return paths (./bounce.ts) and reverse aliases (./reverse.ts), so that
 *   neither is ever taken for a new catch-all alias.
 * - Plan limits (./limits.ts): a paid-only shared domain, as itself or as `<username>.<domain>`, refuses
 *   owners on unpaid plans with 550 5.7.1; monthly bandwidth used up → 552 5.2.2; the hourly cap on
 *   new aliases stops first-mail creation with 450 4.2.1.
 * - A forward's recipients that are themselves our addresses are left out (a loop, ./loops.ts); when
 *   none is left the answer is discard with reason `loop`. Each recipient copy gets a VERP return path.
 *
 * Two steps, so that the caller can read state of its own (maintenance mode) at the same time as the
 * first reads: {@link lookUpRecipient} reads what the address alone determines and writes nothing;
 * {@link resolveRecipient} decides from that, reading and writing what else it needs. For a plain
 * address the first reads are two queries at once: the alias stored under it, and what its domain can
 * name (the domain and its parent, with their owners and the username the first label names). The
 * second is wasted when the alias exists (one statement more, no wait more); first mail to a username
 * waits two round trips less for it.
 */
import type { ResolveRequest, ResolveResponse } from "../../common/internal-api.js";
import { type VerpParts, parseVerp } from "../../common/verp.js";
import type { Db } from "../../db/client.js";
import { type ParsedAddress, parseAddress } from "../domain/address.js";
import { CUSTOM_LOCAL_PART } from "../domain/alias-format.js";
import { resolveBounce } from "./bounce.js";
import { firstMailOnCustomDomain, firstMailOnUsername } from "./first-mail.js";
import { type ResolveEnv, decideForAlias } from "./forward.js";
import { type AliasContext, type DomainCandidate, findAlias, findDomains } from "./lookup.js";
import { RESOLVE_REPLIES as R } from "./replies.js";
import { isReverseAliasShaped, resolveReverseAlias } from "./reverse.js";

export type { ResolveEnv } from "./forward.js";

const reject = (reply: (typeof R)[keyof typeof R]): ResolveResponse => ({ action: "reject", reply });

/** An answer known from the address alone. */
interface Answered { kind: "answered"; answer: ResolveResponse }

/** A plain address (`local@domain`, `+tag` removed) with what is stored under it and for its domain. */
interface AddressLookup {
  kind: "address";
  local: string;
  domain: string;
  /** `domain` less its first label, and that label: `jane.share.test` → `share.test`, `jane` (null: the rest is one label). */
  parent: { domain: string; name: string } | null;
  /** The alias stored under `local@domain` (deleted ones included). */
  existing: AliasContext | null;
  /** The rows of the domain and of its parent that hold their names, each with its owner (and the parent with the username `parent.name`). */
  candidates: DomainCandidate[];
}

/** What {@link lookUpRecipient} found: the input of {@link resolveRecipient}. */
export type RecipientLookup =
  | Answered
  | { kind: "verp"; verp: VerpParts }
  | { kind: "reverse"; req: ResolveRequest; addr: ParsedAddress }
  | AddressLookup;

/**
 * The first step: reads what the address alone determines (nothing for VERP addresses and reverse
 * aliases, whose reads depend on one another). Writes nothing.
 * @returns the lookup to pass to {@link resolveRecipient}; throws only for database errors
 */
export async function lookUpRecipient(db: Db, req: ResolveRequest): Promise<RecipientLookup> {
  const addr = parseAddress(req.rcptTo);
  if (!addr) return { kind: "answered", answer: reject(R.badRecipientSyntax) };
  const verp = parseVerp(`${addr.local}@${addr.domain}`);
  if (verp) return { kind: "verp", verp };
  if (isReverseAliasShaped(req.rcptTo)) return { kind: "reverse", req, addr };
  return lookUpAddress(db, addr);
}

/**
 * Decides the fate of one envelope recipient.
 * @param found what {@link lookUpRecipient} read for it
 * @param env the current time (creation timestamps, VERP expiry) and the VERP key
 * @returns forward (with the plan), reply, bounce, discard, defer or reject; never throws for bad input,
 *   only for database errors
 */
export async function resolveRecipient(db: Db, found: RecipientLookup, env: ResolveEnv): Promise<ResolveResponse> {
  switch (found.kind) {
    case "answered":
      return found.answer;
    case "verp":
      return resolveBounce(db, env.verpSecret, found.verp, env.now, (ctx) => decideForAlias(db, ctx, env));
    case "reverse": {
      // A token-shaped address whose token is unknown may be a plain `+extension`.
      const reverse = await resolveReverseAlias(db, found.req, env.now, env.verpSecret);
      return reverse ?? decideForAddress(db, await lookUpAddress(db, found.addr), env);
    }
    case "address":
      return decideForAddress(db, found, env);
  }
}

async function lookUpAddress(db: Db, addr: ParsedAddress): Promise<Answered | AddressLookup> {
  // Sub-addressing: `alias+tag@…` (that is not a reverse alias) is mail for `alias@…`, as at addy.io.
  // Aliases are only ever stored, and created on first mail, with a plain local part: one the forward
  // transform can always turn into reverse aliases.
  const plus = addr.local.indexOf("+");
  const local = plus > 0 ? addr.local.slice(0, plus) : addr.local;
  if (!CUSTOM_LOCAL_PART.test(local)) return { kind: "answered", answer: reject(R.unknownRecipient) };
  const parent = parentOf(addr.domain);
  const [existing, candidates] = await Promise.all([findAlias(db, `${local}@${addr.domain}`), findDomains(db, addr.domain, parent)]);
  return { kind: "address", local, domain: addr.domain, parent, existing, candidates };
}

async function decideForAddress(db: Db, found: Answered | AddressLookup, env: ResolveEnv): Promise<ResolveResponse> {
  if (found.kind === "answered") return found.answer;
  if (found.existing) return decideForAlias(db, found.existing, env);
  const { parent } = found;
  const exact = found.candidates.find((c) => c.domain.domain === found.domain);
  const sharedParent = parent && found.candidates.find((c) => c.domain.domain === parent.domain && c.domain.kind === "shared");
  if (exact?.domain.kind === "shared") return reject(R.unknownRecipient);
  if (exact?.domain.kind === "custom") return firstMailOnCustomDomain(db, exact, found.local, env);
  if (parent && sharedParent) return firstMailOnUsername(db, sharedParent.domain, parent.name, sharedParent.username, found.local, env);
  return reject(R.relayDenied);
}

/** `a.b.example` → `{ domain: "b.example", name: "a" }`; null when the parent would be a single label. */
function parentOf(domain: string): { domain: string; name: string } | null {
  const dot = domain.indexOf(".");
  const parent = domain.slice(dot + 1);
  return parent.includes(".") ? { domain: parent, name: domain.slice(0, dot) } : null;
}
