/**
 * Forwarding loops (issue 3 §6): an alias whose recipient is itself one of our addresses would send
 * each message around in a circle. Such recipients are left out of the forward plan; the bridge records
 * each and the owner is told. "Ours" is decided in one place, ../accounts/served-domains.ts: shared
 * domains and their subdomains, and verified, active custom domains (never a mere unverified claim).
 */
import type { Db } from "../../db/client.js";
import { servedDomainsAmong } from "../accounts/served-domains.js";

const domainOf = (email: string) => email.slice(email.lastIndexOf("@") + 1).toLowerCase();

/**
 * Which of `emails` are addresses at a domain we receive mail for. One query.
 * @returns the subset of `emails` (as given) that are ours
 */
export async function ourAddresses(db: Db, emails: string[]): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const ours = await servedDomainsAmong(db, emails.map(domainOf));
  return new Set(emails.filter((e) => ours.has(domainOf(e))));
}
