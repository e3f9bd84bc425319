/**
 * Request signing for the internal API (bridges and the admin CLI → Worker).
 *
 * The signature is `v1=` + hex(HMAC-SHA256(secret, canonical)), where canonical is
 * `METHOD \n PATH(+query) \n TIMESTAMP \n hex(SHA-256(body))`. The timestamp is Unix seconds; the Worker
 * refuses anything more than {@link MAX_SKEW_SECONDS} away from its clock. Replays inside that window
 * are harmless by construction: resolution is idempotent and events carry ids applied at most once.
 *
 * Runs unchanged in Node 20 and in workerd (WebCrypto only).
 */

/** Header names, lower case. */
export const SIG_HEADERS = {
  node: "x-veilmail-node",
  timestamp: "x-veilmail-timestamp",
  signature: "x-veilmail-signature",
} as const;

/** How far (seconds) a request's timestamp may be from the Worker's clock: 5 minutes. */
export const MAX_SKEW_SECONDS = 300;

const encoder = new TextEncoder();

function toHex(buf: ArrayBuffer): string {
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Hex SHA-256 of a string or bytes. */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  return toHex(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
}

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"],
  );
  return toHex(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
}

/** The string that is signed; exported for tests. */
export async function canonicalRequest(method: string, path: string, timestamp: number, body: string): Promise<string> {
  return `${method.toUpperCase()}\n${path}\n${timestamp}\n${await sha256Hex(body)}`;
}

/**
 * Headers to send with a request.
 * @param node the caller's name (`mx1`, `mx2`, `admin`), which selects the secret on the Worker
 * @param path the URL path plus query string, e.g. `/internal/v1/resolve`
 * @param now Unix time in seconds (injectable for tests)
 * @example await signRequest("mx1", secret, "POST", "/internal/v1/resolve", JSON.stringify(body))
 */
export async function signRequest(
  node: string, secret: string, method: string, path: string, body: string,
  now: number = Math.floor(Date.now() / 1000),
): Promise<Record<string, string>> {
  const signature = await hmacHex(secret, await canonicalRequest(method, path, now, body));
  return {
    [SIG_HEADERS.node]: node,
    [SIG_HEADERS.timestamp]: String(now),
    [SIG_HEADERS.signature]: `v1=${signature}`,
  };
}

/** Why a signature was refused; `ok` when it was accepted. */
export type VerifyResult = { ok: true; node: string } | { ok: false; reason: "missing" | "unknown-node" | "stale" | "bad-signature" };

/**
 * Checks a signed request in constant time.
 * @param secrets node name → secret
 * @param now Unix time in seconds
 */
export async function verifyRequest(
  secrets: ReadonlyMap<string, string>, method: string, path: string, body: string,
  headers: { get(name: string): string | null }, now: number = Math.floor(Date.now() / 1000),
): Promise<VerifyResult> {
  const node = headers.get(SIG_HEADERS.node);
  const ts = headers.get(SIG_HEADERS.timestamp);
  const sig = headers.get(SIG_HEADERS.signature);
  if (!node || !ts || !sig) return { ok: false, reason: "missing" };
  const secret = secrets.get(node);
  if (!secret) return { ok: false, reason: "unknown-node" };
  const timestamp = Number(ts);
  if (!/^\d{1,12}$/.test(ts) || Math.abs(now - timestamp) > MAX_SKEW_SECONDS) return { ok: false, reason: "stale" };
  const expected = `v1=${await hmacHex(secret, await canonicalRequest(method, path, timestamp, body))}`;
  if (expected.length !== sig.length) return { ok: false, reason: "bad-signature" };
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ sig.charCodeAt(i);
  return diff === 0 ? { ok: true, node } : { ok: false, reason: "bad-signature" };
}

/**
 * Parses `name=secret,name=secret` (the `BRIDGE_SECRETS` format) into a map.
 * @throws Error on an entry without `=` or an empty secret
 */
export function parseSecrets(spec: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of spec.split(",").map((s) => s.trim()).filter(Boolean)) {
    const i = part.indexOf("=");
    if (i <= 0 || i === part.length - 1) throw new Error(`bad secret entry "${part.slice(0, 20)}": expected name=secret`);
    map.set(part.slice(0, i), part.slice(i + 1));
  }
  return map;
}
