/**
 * API token authentication and the per-token request limit, for every route declared with
 * `auth: "token"` (define.ts).
 *
 * The token comes in `Authorization: Bearer <token>` (addy.io clients, Bitwarden) or in
 * `Authentication: <token>` (SimpleLogin clients); both work on every route. A missing, unknown,
 * expired or revoked token, or one whose account is deleted, is 401 (`Unauthenticated.`), never a
 * redirect. A valid token of an account whose own address (its default recipient) is not verified is
 * 403 ({@link UNVERIFIED}): an account nobody has proved a mailbox for gets no API. Each request then
 * counts against the token's per-minute limit (429 with `Retry-After`);
 * `X-RateLimit-Limit` / `X-RateLimit-Remaining` tell the client where it stands, as Laravel does.
 * define.ts runs the two in order, and for a GET counts while the handler reads.
 */
import type { Context } from "hono";
import { authenticateApiToken, touchApiToken } from "../../accounts/tokens.js";
import { hitRateLimit } from "../../accounts/rate-limits.js";
import { runAfterResponse } from "../../background.js";
import { nowSeconds } from "../../db-errors.js";
import { ApiError } from "../../errors.js";
import type { ApiCaller, AppEnv } from "../../types.js";

/** The answer to a valid token of an account that has not verified its e-mail address (403). */
export const UNVERIFIED = "Your email address is not verified. Open the link we sent to it (the dashboard's Recipients page sends a new one), then use the API.";

/** The token a request carries, from either header; null when there is none. */
export function tokenOf(c: Context): string | null {
  const authorization = c.req.header("authorization")?.trim();
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    return match ? match[1]! : null;
  }
  const simpleLogin = c.req.header("authentication")?.trim();
  return simpleLogin || null;
}

/**
 * Identifies the caller by token and sets `c.var.apiCaller` (one read; a stale `last_used_at` is
 * written after the response).
 * @throws ApiError UNAUTHORIZED; FORBIDDEN (account not verified)
 */
export async function identifyCaller(c: Context<AppEnv>): Promise<ApiCaller> {
  const token = tokenOf(c);
  if (!token) throw new ApiError("UNAUTHORIZED", "Unauthenticated.");
  const now = nowSeconds();
  const auth = await authenticateApiToken(c.var.db, token, now);
  if (!auth) throw new ApiError("UNAUTHORIZED", "Unauthenticated.");
  if (!auth.verified) throw new ApiError("FORBIDDEN", UNVERIFIED);
  if (auth.stale) runAfterResponse(c, touchApiToken(c.var.db, auth.tokenId, now), "token touch");
  const caller = { userId: auth.userId, tokenId: auth.tokenId };
  c.set("apiCaller", caller);
  return caller;
}

/** The outcome of counting a request: the `X-RateLimit-*` headers, and the 429 to throw when over the limit. */
export interface RequestCount {
  headers: Record<string, string>;
  refusal: ApiError | null;
}

/**
 * Counts the request against its token's per-minute limit (one write). Sets no header itself: the
 * caller applies `headers` to whatever it answers (define.ts).
 * @example const counted = await countRequest(c, caller); if (counted.refusal) throw counted.refusal;
 */
export async function countRequest(c: Context<AppEnv>, caller: ApiCaller): Promise<RequestCount> {
  const limit = c.var.config.apiRateLimitPerMinute;
  const state = await hitRateLimit(c.var.db, `api:${caller.tokenId}`, limit, 60, nowSeconds());
  const headers = { "X-RateLimit-Limit": String(limit), "X-RateLimit-Remaining": String(state.remaining) };
  const refusal = state.allowed
    ? null
    : new ApiError("RATE_LIMITED", "Too Many Attempts.", undefined, { headers: { "Retry-After": String(state.retryAfter) } });
  return { headers, refusal };
}
