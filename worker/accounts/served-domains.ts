/**
 * Which domains are really ours: the one answer to "would mail to this address come to us?", used by
 * the forward loop check (../resolve/loops.ts) and by every check of a recipient address
 * (./recipient-address.ts: sign-up, the dashboard, the API, the admin CLI).
 *
 * A domain is ours when it is
 * - a shared domain (the operator's, switched on or not), or any subdomain of one at any depth
 *   (`<username>.<shared>` and whatever a wildcard MX record would send us), or
 * - a custom domain that is verified (ownership and MX proven by DNS, ./domain-dns.ts) and active.
 *
 * An unverified custom domain is only someone's claim: its MX may point anywhere, and anyone can make
 * one (`POST /api/v1/domains {"domain":"gmail.com"}`). Counting it as ours would let any account stop
 * mail to everyone whose mailbox is on that domain. A subdomain of a custom domain is not ours either:
 * its owner routes it.
 */
import { and, eq, inArray, isNotNull, or } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { domains } from "../../db/schema/index.js";

/** `a.b.example.net` → `["a.b.example.net", "b.example.net", "example.net"]` (no single-label suffix). */
function selfAndParents(domain: string): string[] {
  const labels = domain.split(".");
  return labels.slice(0, -1).map((_, i) => labels.slice(i).join("."));
}

/**
 * Which of `names` (lower-case A-label domains) are ours, in one query.
 * @returns the subset of `names` that are ours (see the module comment)
 */
export async function servedDomainsAmong(db: Db, names: Iterable<string>): Promise<Set<string>> {
  const wanted = [...new Set(names)];
  const candidates = [...new Set(wanted.flatMap(selfAndParents))];
  if (candidates.length === 0) return new Set();
  const rows = await db.select({ domain: domains.domain, kind: domains.kind }).from(domains).where(and(
    inArray(domains.domain, candidates),
    or(eq(domains.kind, "shared"), and(eq(domains.kind, "custom"), isNotNull(domains.verifiedAt), eq(domains.active, true))),
  ));
  const exact = new Set(rows.map((r) => r.domain));
  const shared = new Set(rows.filter((r) => r.kind === "shared").map((r) => r.domain));
  return new Set(wanted.filter((name) => exact.has(name) || selfAndParents(name).some((d) => shared.has(d))));
}

/** True when `domain` (lower-case A-labels) is ours (see the module comment). One query. */
export async function isServedDomain(db: Db, domain: string): Promise<boolean> {
  return (await servedDomainsAmong(db, [domain])).has(domain);
}
