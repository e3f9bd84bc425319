/**
 * Forwarding loops (issue 3 §6): an alias whose recipient is itself one of our addresses (a shared
 * domain, a username subdomain of one, or a custom domain) would send each message around in a circle.
 * Such recipients are left out of the forward plan; the bridge records each and the owner is told.
 */
import { inArray } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { domains } from "../../db/schema/index.js";

const domainOf = (email: string) => email.slice(email.lastIndexOf("@") + 1).toLowerCase();
const parentOf = (domain: string) => domain.slice(domain.indexOf(".") + 1);

/**
 * Which of `emails` are addresses at a domain we receive mail for. One query.
 * @returns the subset of `emails` (as given) that are ours
 */
export async function ourAddresses(db: Db, emails: string[]): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const names = new Set<string>();
  for (const email of emails) {
    const d = domainOf(email);
    names.add(d);
    if (parentOf(d).includes(".")) names.add(parentOf(d));
  }
  const rows = await db.select({ domain: domains.domain, kind: domains.kind }).from(domains).where(inArray(domains.domain, [...names]));
  const exact = new Set(rows.map((r) => r.domain));
  const shared = new Set(rows.filter((r) => r.kind === "shared").map((r) => r.domain));
  return new Set(emails.filter((e) => {
    const d = domainOf(e);
    return exact.has(d) || shared.has(parentOf(d));
  }));
}
