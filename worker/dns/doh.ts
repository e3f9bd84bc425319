/**
 * DNS over HTTPS with the JSON API that Cloudflare (`https://cloudflare-dns.com/dns-query`) and Google
 * (`https://dns.google/resolve`) serve: `GET <url>?name=<name>&type=<TYPE>` with
 * `Accept: application/dns-json`, answered with `{Status, Answer: [{name, type, TTL, data}]}`
 * (Status is the DNS RCODE, RFC 1035 §4.1.1: 0 NOERROR, 3 NXDOMAIN). A Worker cannot send UDP, so
 * this is how it reads DNS. The resolver URL comes from config (`DOH_URL`); tests point it at a local
 * fake.
 */

export type DnsType = "TXT" | "MX" | "CNAME";

/** RR type codes (RFC 1035 §3.2.2). */
const TYPE_CODE: Record<DnsType, number> = { CNAME: 5, MX: 15, TXT: 16 };

/** One lookup's outcome: the records of that type (normalised), or why there are none. */
export type DnsResult = { ok: true; records: string[] } | { ok: false; reason: "nxdomain" | "failed"; detail: string };

/**
 * Normalises record data: TXT `"a" "b"` → `ab` (character-strings joined, RFC 7208 §3.3), MX
 * `10 Mx1.Example.com.` → `10 mx1.example.com`, CNAME → lower case without the final dot.
 */
export function normaliseData(type: DnsType, data: string): string {
  if (type === "TXT") {
    const parts = [...data.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, "$1"));
    return parts.length > 0 ? parts.join("") : data;
  }
  return data.trim().toLowerCase().replace(/\.$/, "");
}

/**
 * Looks up `name`/`type` at the resolver `url`.
 * @param timeoutMs abort after this long (the dashboard waits for it)
 */
export async function dohLookup(url: string, name: string, type: DnsType, timeoutMs = 5000): Promise<DnsResult> {
  const query = `${url}${url.includes("?") ? "&" : "?"}name=${encodeURIComponent(name)}&type=${type}`;
  type DohAnswer = { Status?: number; Answer?: { type?: number; data?: string }[] };
  let body: DohAnswer;
  try {
    const res = await fetch(query, { headers: { accept: "application/dns-json" }, signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return { ok: false, reason: "failed", detail: `resolver answered HTTP ${res.status}` };
    // JSON of RFC 8484's JSON flavour (Google/Cloudflare); fields are checked below before use.
    body = (await res.json()) as DohAnswer;
  } catch (err) {
    return { ok: false, reason: "failed", detail: `resolver unreachable (${(err as Error).name})` };
  }
  if (body.Status === 3) return { ok: false, reason: "nxdomain", detail: `${name} does not exist` };
  if (body.Status !== 0) return { ok: false, reason: "failed", detail: `DNS error code ${body.Status}` };
  const records = (body.Answer ?? []).filter((a) => a.type === TYPE_CODE[type] && typeof a.data === "string").map((a) => normaliseData(type, a.data!));
  return { ok: true, records };
}
