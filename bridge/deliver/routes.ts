/**
 * Where to deliver mail for a domain: the MX hosts in preference order (RFC 5321 §5.1: lowest
 * preference first, equal preferences in random order; no MX → the domain's own address, the
 * "implicit MX"; a null MX, RFC 7505, refuses all mail), each expanded to its addresses.
 */
import type { SmtpReply } from "../../common/internal-api.js";
import { DnsLookupError, type DnsResolver } from "../dns/resolver.js";
import { REPLIES } from "../mail/replies.js";

/** One place to try: an address, a port, and the MX name (for TLS SNI and logs). */
export interface Route {
  host: string;
  port: number;
  /** The MX host name the address belongs to. */
  mx: string;
}

/** Either the routes to try, in order, or why there are none. */
export type RouteLookup = { ok: true; routes: Route[] } | { ok: false; reply: SmtpReply };

/** Most addresses tried for one message per attempt (Postfix `smtp_mx_address_limit` is 5; we allow a few more). */
export const MAX_ROUTES = 10;

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * Routes for a recipient domain.
 * @param port the SMTP port of MX hosts (25; dev and tests use a local sink's port)
 * @returns routes, or a reply to record: `noSuchDomain` / `nullMx` (permanent), `dnsTemporary` / `noRoute` (temporary)
 */
export async function routesFor(domain: string, resolver: DnsResolver, port: number): Promise<RouteLookup> {
  let mxs;
  try {
    mxs = await resolver.mx(domain);
  } catch (err) {
    const temporary = !(err instanceof DnsLookupError) || err.temporary;
    return { ok: false, reply: temporary ? REPLIES.dnsTemporary : REPLIES.noSuchDomain };
  }
  if (mxs.length === 1 && (mxs[0]!.exchange === "" || mxs[0]!.exchange === ".")) return { ok: false, reply: REPLIES.nullMx };
  if (mxs.length === 0) mxs = [{ exchange: domain, priority: 0 }];

  const byPreference = new Map<number, string[]>();
  for (const mx of mxs) byPreference.set(mx.priority, [...(byPreference.get(mx.priority) ?? []), mx.exchange]);
  const hosts = [...byPreference.keys()].sort((a, b) => a - b).flatMap((p) => shuffle(byPreference.get(p)!));

  const routes: Route[] = [];
  let sawTemporary = false;
  for (const mx of hosts) {
    if (routes.length >= MAX_ROUTES) break;
    try {
      for (const host of await resolver.addresses(mx)) routes.push({ host, port, mx });
    } catch (err) {
      if (!(err instanceof DnsLookupError) || err.temporary) sawTemporary = true;
    }
  }
  if (routes.length === 0) return { ok: false, reply: sawTemporary ? REPLIES.dnsTemporary : REPLIES.noRoute };
  return { ok: true, routes: routes.slice(0, MAX_ROUTES) };
}

/** The domain part of an address (after the last `@`), lower case. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf("@") + 1).toLowerCase();
}
