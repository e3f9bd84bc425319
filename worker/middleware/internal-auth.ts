/**
 * Authenticates internal API calls by their HMAC signature (common/signature.ts) and decides who may
 * call what, in one place: `/internal/v1/admin/*` only the admin CLI (node `admin`), every other
 * internal route only a bridge. Unsigned, badly signed or stale (> 5 min) requests get 401 before any
 * handler runs, so nothing is done.
 *
 * The decision is made on the path as signed, so that path must be the one the router matches: only
 * canonical paths are served here (no percent-encoding, no empty or dot segments), otherwise a caller
 * could sign `/internal/v1/%61dmin/…`, pass as "not admin", and be routed to `/internal/v1/admin/…`.
 */
import { createMiddleware } from "hono/factory";
import { SIG_HEADERS, verifyRequest } from "../../common/signature.js";
import { ApiError } from "../errors.js";
import type { AppEnv } from "../types.js";

const ADMIN_PREFIX = "/internal/v1/admin/";
/** Internal requests are small JSON documents; nothing bigger is read before authentication. */
export const MAX_INTERNAL_BODY_BYTES = 1024 * 1024;
const CANONICAL_PATH = /^\/internal(\/[A-Za-z0-9_.:-]+)+$/;

/** True when `path` has no percent-encoding and no empty, `.` or `..` segment. */
export function isCanonicalInternalPath(path: string): boolean {
  return CANONICAL_PATH.test(path) && !path.split("/").some((seg) => seg === "." || seg === "..");
}

/** The body as text, refusing (413) more than `max` bytes whatever Content-Length claims. */
async function readCapped(req: Request, max: number): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > max) throw new ApiError("PAYLOAD_TOO_LARGE", `request body over ${max} bytes`);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new ApiError("PAYLOAD_TOO_LARGE", `request body over ${max} bytes`);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) { all.set(chunk, at); at += chunk.byteLength; }
  return new TextDecoder().decode(all);
}

export const internalAuth = createMiddleware<AppEnv>(async (c, next) => {
  const url = new URL(c.req.url);
  if (!isCanonicalInternalPath(url.pathname)) throw new ApiError("NOT_FOUND", "no such route");
  const headers = c.req.raw.headers;
  if (!headers.get(SIG_HEADERS.node) || !headers.get(SIG_HEADERS.timestamp) || !headers.get(SIG_HEADERS.signature)) {
    throw new ApiError("UNAUTHORIZED", "request signature refused (missing)");
  }
  const body = await readCapped(c.req.raw, MAX_INTERNAL_BODY_BYTES);
  // Handlers read the body through Hono (c.req.text/json), which serves it from this cache.
  // (Hono types the cache by value, but stores and awaits promises there.)
  (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(body);
  const result = await verifyRequest(
    c.var.config.internalSecrets, c.req.method, url.pathname + url.search, body, headers,
  );
  if (!result.ok) throw new ApiError("UNAUTHORIZED", `request signature refused (${result.reason})`);
  const wantsAdmin = url.pathname.startsWith(ADMIN_PREFIX);
  if (wantsAdmin !== (result.node === "admin")) throw new ApiError("UNAUTHORIZED", "this caller may not use this route");
  c.set("node", result.node);
  await next();
});
