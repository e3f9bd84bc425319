/**
 * Message authentication for replies and sends (issue 3 §3): SPF for the envelope sender and client IP,
 * DKIM signatures, and DMARC for the From domain, with mailauth, every DNS query going through the
 * bridge's one resolver (bridge/dns/resolver.ts; a static zone in dev and tests). The result is reduced
 * to what the reply policy (./reply-policy.ts) needs.
 */
import { authenticate } from "mailauth";
import { getAlignment } from "mailauth/lib/tools.js";
import type { MailauthResolver } from "../dns/resolver.js";

/** What the checks found. Results are RFC 8601 words: `pass`, `fail`, `softfail`, `none`, `temperror`, … */
export interface AuthSummary {
  /** The From header's domain (lower case), null when From is missing or holds more than one address. */
  fromDomain: string | null;
  /** DMARC for the From domain: `none` when it publishes no record. */
  dmarc: string;
  spf: { result: string; domain: string | null };
  dkim: { result: string; domain: string }[];
}

export type Authenticator = (raw: Buffer, session: { clientIp: string; helo: string; mailFrom: string }) => Promise<AuthSummary>;

/**
 * @param mta our host name (Authentication-Results authserv-id; not added to the message)
 * @example const auth = createAuthenticator(mailauthResolver(dns), "mx1.example.net"); await auth(raw, { clientIp, helo, mailFrom })
 */
export function createAuthenticator(resolver: MailauthResolver, mta: string): Authenticator {
  return async (raw, session) => {
    const ip = session.clientIp.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
    const result = await authenticate(raw, {
      ip, helo: session.helo || ip, sender: session.mailFrom, mta, resolver: resolver as never, disableArc: true, disableBimi: true,
    });
    const from = result.dkim.headerFrom;
    const fromDomain = from.length === 1 ? from[0]!.slice(from[0]!.lastIndexOf("@") + 1).toLowerCase() : null;
    const spf = result.spf ? { result: result.spf.status.result, domain: result.spf.domain ?? null } : { result: "none", domain: null };
    return {
      fromDomain,
      dmarc: result.dmarc ? result.dmarc.status.result : "none",
      spf,
      dkim: result.dkim.results.map((r) => ({ result: r.status.result, domain: (r.signingDomain ?? "").toLowerCase() })),
    };
  };
}

/** Relaxed identifier alignment (RFC 7489 §3.1): same organisational domain. */
export function aligned(fromDomain: string, domain: string | null): boolean {
  return !!domain && getAlignment(fromDomain, [domain]) !== false;
}
