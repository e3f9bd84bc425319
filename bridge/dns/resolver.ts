/**
 * The bridge's one DNS module: MX and address lookups for delivery, TXT lookups for authentication (SPF,
 * DKIM, DMARC through mailauth, see {@link mailauthResolver}), either through the system resolver
 * (`node:dns/promises`) or from a static JSON zone (dev and tests, so nothing leaves the machine).
 *
 * Static zone file format (`DNS_ZONE_FILE`):
 * ```json
 * { "mx":   { "example.com": [{ "exchange": "mx1.example.com", "priority": 10 }] },
 *   "a":    { "mx1.example.com": ["127.0.0.1"], "bare.example": ["127.0.0.1"] },
 *   "aaaa": { "mx1.example.com": ["::1"] },
 *   "txt":  { "example.com": ["v=spf1 ip4:127.0.0.1 -all"], "_dmarc.example.com": ["v=DMARC1; p=reject"] } }
 * ```
 * A name that appears nowhere is NXDOMAIN; a name with addresses but no `mx` entry has no MX records
 * (NODATA), so delivery falls back to its address (RFC 5321 §5.1 implicit MX).
 */
import { Resolver } from "node:dns/promises";
import { readFile } from "node:fs/promises";
import { z } from "zod";

export interface MxRecord {
  exchange: string;
  priority: number;
}

/** A lookup that failed; `temporary` false means the name does not exist (NXDOMAIN). */
export class DnsLookupError extends Error {
  constructor(readonly hostName: string, readonly temporary: boolean, detail: string) {
    super(`${detail} (${hostName})`);
    this.name = "DnsLookupError";
  }
}

/** Lookups the deliver stage needs. Names are compared case-insensitively. */
export interface DnsResolver {
  /** MX records of a domain; `[]` when it exists but has none. @throws DnsLookupError */
  mx(domain: string): Promise<MxRecord[]>;
  /** IPv4 then IPv6 addresses of a host; `[]` when it has none. @throws DnsLookupError */
  addresses(host: string): Promise<string[]>;
  /** TXT records of a name, each as its character-strings; `[]` when it has none. @throws DnsLookupError */
  txt(name: string): Promise<string[][]>;
}

const NODATA = new Set(["ENODATA"]);
const NOTFOUND = new Set(["ENOTFOUND"]);

/**
 * The system resolver (`/etc/resolv.conf`), with a per-query timeout.
 * @param timeoutMs per query attempt, milliseconds
 */
export function systemResolver(timeoutMs = 10_000): DnsResolver {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  const classify = (err: unknown, name: string): never[] => {
    const code = (err as NodeJS.ErrnoException).code ?? "";
    if (NODATA.has(code)) return [];
    throw new DnsLookupError(name, !NOTFOUND.has(code), `DNS ${code || "error"}`);
  };
  return {
    async mx(domain) {
      try {
        return (await resolver.resolveMx(domain)).map((r) => ({ exchange: r.exchange, priority: r.priority }));
      } catch (err) {
        return classify(err, domain);
      }
    },
    async addresses(host) {
      const v4 = await resolver.resolve4(host).catch((err) => classify(err, host));
      const v6 = await resolver.resolve6(host).catch((err: unknown) => {
        // A host that has A records but whose AAAA lookup fails is still usable.
        if (v4.length > 0) return [];
        return classify(err, host);
      });
      return [...v4, ...v6];
    },
    async txt(name) {
      try {
        return await resolver.resolveTxt(name);
      } catch (err) {
        return classify(err, name);
      }
    },
  };
}

const ZoneSchema = z.object({
  mx: z.record(z.string(), z.array(z.object({ exchange: z.string(), priority: z.number().int().min(0) }))).default({}),
  a: z.record(z.string(), z.array(z.string())).default({}),
  aaaa: z.record(z.string(), z.array(z.string())).default({}),
  /** Each entry is one TXT record (one character-string). */
  txt: z.record(z.string(), z.array(z.string())).default({}),
});
export type StaticZone = z.input<typeof ZoneSchema>;

/**
 * A resolver answering from a fixed table (see the file header for the format). Used by dev and tests.
 * @example staticResolver({ mx: { "example.com": [{ exchange: "mx.example.com", priority: 10 }] }, a: { "mx.example.com": ["127.0.0.1"] } })
 */
export function staticResolver(zone: StaticZone): DnsResolver {
  const z0 = ZoneSchema.parse(zone);
  const lower = <T>(rec: Record<string, T>) => new Map(Object.entries(rec).map(([k, v]) => [k.toLowerCase().replace(/\.$/, ""), v]));
  const mx = lower(z0.mx);
  const a = lower(z0.a);
  const aaaa = lower(z0.aaaa);
  const txt = lower(z0.txt);
  const exists = (name: string) => mx.has(name) || a.has(name) || aaaa.has(name) || txt.has(name);
  const norm = (name: string) => name.toLowerCase().replace(/\.$/, "");
  return {
    async mx(domain) {
      const name = norm(domain);
      if (!exists(name)) throw new DnsLookupError(name, false, "NXDOMAIN");
      return [...(mx.get(name) ?? [])];
    },
    async addresses(host) {
      const name = norm(host);
      if (!exists(name)) throw new DnsLookupError(name, false, "NXDOMAIN");
      return [...(a.get(name) ?? []), ...(aaaa.get(name) ?? [])];
    },
    async txt(host) {
      const name = norm(host);
      if (!exists(name)) throw new DnsLookupError(name, false, "NXDOMAIN");
      return (txt.get(name) ?? []).map((record) => [record]);
    },
  };
}

/** A `dns.resolve`-style function: what mailauth takes as its `resolver` option. */
export type MailauthResolver = (name: string, rrtype: string) => Promise<unknown[]>;

/**
 * Adapts a {@link DnsResolver} to mailauth's resolver option, so SPF, DKIM and DMARC checks use the same
 * DNS as everything else (the static zone in dev and tests). Errors carry Node's codes as mailauth expects:
 * `ENOTFOUND` (no such name), `ENODATA` (no records of that type), `ETIMEOUT` (temporary). Types other
 * than TXT, MX, A and AAAA (e.g. PTR for SPF's `ptr` mechanism) answer `ENOTFOUND`.
 */
export function mailauthResolver(dns: DnsResolver): MailauthResolver {
  const fail = (code: string, name: string) => Object.assign(new Error(`${code} ${name}`), { code });
  return async (name, rrtype) => {
    let records: unknown[];
    try {
      switch (rrtype.toUpperCase()) {
        case "TXT": records = await dns.txt(name); break;
        case "MX": records = await dns.mx(name); break;
        case "A": records = (await dns.addresses(name)).filter((ip) => !ip.includes(":")); break;
        case "AAAA": records = (await dns.addresses(name)).filter((ip) => ip.includes(":")); break;
        default: throw fail("ENOTFOUND", name);
      }
    } catch (err) {
      if (err instanceof DnsLookupError) throw fail(err.temporary ? "ETIMEOUT" : "ENOTFOUND", name);
      throw err;
    }
    if (records.length === 0) throw fail("ENODATA", name);
    return records;
  };
}

/**
 * The resolver the configuration asks for: the static zone in `zoneFile` when set, else the system one.
 * @throws Error when the zone file cannot be read or does not match the format
 */
export async function createResolver(zoneFile: string | null): Promise<DnsResolver> {
  if (!zoneFile) return systemResolver();
  return staticResolver(JSON.parse(await readFile(zoneFile, "utf8")) as StaticZone);
}
