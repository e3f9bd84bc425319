/**
 * The DNS records a custom domain publishes, and checking them ("check now" on the dashboard):
 *
 * | record | host | value | needed for |
 * |---|---|---|---|
 * | TXT | `@` | `veilmail-verify=<token>` | proving ownership |
 * | MX  | `@` | `10 <mx1>`, `20 <mx2>` (config `MX_HOSTS`) | receiving on both MX hosts |
 * | TXT | `@` | `v=spf1 include:<SPF_INCLUDE> -all` | sending (SPF, RFC 7208) |
 * | CNAME | `<selector>._domainkey` | `<selector>._domainkey.<MAIL_DOMAIN>` | sending (DKIM, RFC 6376) |
 * | TXT | `_dmarc` | `v=DMARC1; p=quarantine; adkim=s` | sending (DMARC, RFC 7489; `p=reject` passes too) |
 *
 * The domain becomes verified (it starts receiving) when ownership and every MX record check out.
 * A later failing check does not unverify it: a resolver hiccup must not stop mail; the records page
 * shows the failure instead.
 */
import type { Db } from "../../db/client.js";
import { type DnsResult, type DnsType, dohLookup } from "../dns/doh.js";
import type { Config } from "../env.js";
import { getDomain } from "./custom-domains.js";
import { settleClaim } from "./domain-claims.js";

export type RecordPurpose = "ownership" | "mx" | "spf" | "dkim" | "dmarc";

/** One record to publish. `name` is the full name; `host` as DNS panels want it (`@` for the apex). */
export interface ExpectedRecord {
  purpose: RecordPurpose;
  type: DnsType;
  name: string;
  host: string;
  value: string;
}

/** What a check found for one record. */
export interface RecordCheck extends ExpectedRecord {
  status: "ok" | "missing" | "wrong" | "error";
  /** What DNS has for that name and type (or why it could not say). */
  found: string[];
}

/** The records `domain` must publish. */
export function expectedRecords(domain: string, token: string, dns: Config["mailDns"]): ExpectedRecord[] {
  return [
    { purpose: "ownership", type: "TXT", name: domain, host: "@", value: `veilmail-verify=${token}` },
    ...dns.mxHosts.map((mx, i) => ({ purpose: "mx" as const, type: "MX" as const, name: domain, host: "@", value: `${(i + 1) * 10} ${mx}` })),
    { purpose: "spf", type: "TXT", name: domain, host: "@", value: `v=spf1 include:${dns.spfInclude} -all` },
    { purpose: "dkim", type: "CNAME", name: `${dns.dkimSelector}._domainkey.${domain}`, host: `${dns.dkimSelector}._domainkey`, value: dns.dkimTarget },
    { purpose: "dmarc", type: "TXT", name: `_dmarc.${domain}`, host: "_dmarc", value: "v=DMARC1; p=quarantine; adkim=s" },
  ];
}

/** Whether the records found satisfy one expected record. */
function satisfies(r: ExpectedRecord, found: string[], dns: Config["mailDns"]): boolean {
  switch (r.purpose) {
    case "ownership": return found.includes(r.value);
    case "mx": return found.includes(r.value);
    case "spf": {
      const spf = found.filter((t) => /^v=spf1(\s|$)/i.test(t));
      return spf.length === 1 && spf[0]!.toLowerCase().split(/\s+/).includes(`include:${dns.spfInclude.toLowerCase()}`);
    }
    case "dkim": return found.includes(r.value.toLowerCase());
    case "dmarc": return found.some((t) => /^v=DMARC1\s*;/i.test(t) && /(^|;)\s*p\s*=\s*(quarantine|reject)\s*(;|$)/i.test(t));
  }
}

/** Which of the found records concern this check (so the page does not list unrelated TXT records). */
function relevant(r: ExpectedRecord, found: string[]): string[] {
  if (r.purpose === "ownership") return found.filter((t) => t.startsWith("veilmail-verify="));
  if (r.purpose === "spf") return found.filter((t) => /^v=spf1/i.test(t));
  return found;
}

/**
 * Looks every record up over DNS-over-HTTPS and marks the domain verified when ownership and MX pass
 * (the first account to verify a name gets it: ./domain-claims.ts).
 * @returns the per-record results, whether the domain is verified now, and `taken` when the records
 *   check out but another account verified the name first
 * @throws ApiError NOT_FOUND for another user's domain
 */
export async function checkDomainDns(db: Db, userId: string, id: string, config: Pick<Config, "dohUrl" | "mailDns">, now: Date): Promise<{ checks: RecordCheck[]; verified: boolean; taken: boolean }> {
  const { domain } = await getDomain(db, userId, id);
  const expected = expectedRecords(domain.domain, domain.verificationToken ?? "", config.mailDns);
  const lookups = new Map<string, Promise<DnsResult>>();
  const lookup = (name: string, type: DnsType) => {
    const key = `${type} ${name}`;
    if (!lookups.has(key)) lookups.set(key, dohLookup(config.dohUrl, name, type));
    return lookups.get(key)!;
  };
  const checks = await Promise.all(expected.map(async (r): Promise<RecordCheck> => {
    const result = await lookup(r.name, r.type);
    if (!result.ok) return { ...r, status: result.reason === "nxdomain" ? "missing" : "error", found: [result.detail] };
    const found = relevant(r, result.records);
    return { ...r, found, status: satisfies(r, result.records, config.mailDns) ? "ok" : found.length ? "wrong" : "missing" };
  }));
  const receives = checks.filter((c) => c.purpose === "ownership" || c.purpose === "mx").every((c) => c.status === "ok");
  if (domain.verifiedAt) return { checks, verified: true, taken: false };
  if (!receives) return { checks, verified: false, taken: false };
  const outcome = await settleClaim(db, userId, id, now);
  return { checks, verified: outcome === "verified", taken: outcome === "taken" };
}
