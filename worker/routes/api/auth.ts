/**
 * API password login, for clients that offer it instead of pasting a token (addy.io's extension and
 * apps, SimpleLogin's extension). One route serves both dialects:
 *
 * | | addy.io | SimpleLogin |
 * |---|---|---|
 * | login body | `{username, password, device_name, expiration?}` | `{email, password, device}` |
 * | TOTP on | 422 `{message, mfa_key, csrf_token: "deprecated"}` | 200 `{api_key: null, mfa_enabled: true, mfa_key, …}` |
 * | mfa body | `{mfa_key, otp, device_name, expiration?}` | `{mfa_key, mfa_token, device}` |
 * | success | 200 `{api_key, name, created_at, expires_at}` | 200 `{api_key, name, email, mfa_enabled, mfa_key}` |
 * | errors | `{message}` | `{error}` |
 *
 * Attempts are throttled per IP and per account (worker/accounts/login.ts); codes per account
 * (two-factor.ts, backup codes work too). An account whose only second factor is a passkey gets 403:
 * passkeys cannot be used through the API, a token from the dashboard can.
 */
import type { Context } from "hono";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { checkLogin } from "../../accounts/login.js";
import { createApiToken, revokeApiToken } from "../../accounts/tokens.js";
import { checkSecondFactorCode, secondFactors } from "../../accounts/two-factor.js";
import { issueMfaKey, readMfaKey } from "../../auth/mfa-key.js";
import { nowSeconds } from "../../db-errors.js";
import { ApiError } from "../../errors.js";
import type { AppEnv } from "../../types.js";
import { recipients, usernames, users } from "../../../db/schema/index.js";
import { type ApiBuilder, noContent } from "./define.js";
import { dateTime } from "./addy/serializers.js";
import { DateTime, Message, ValidationError } from "./addy/schemas.js";

const Expiration = z.enum(["day", "week", "month", "year"]).nullish().describe("token lifetime; absent: never expires");

const LoginBody = z.object({
  username: z.string().max(254).nullish().describe("addy.io: the username (or the account's e-mail)"),
  email: z.string().max(254).nullish().describe("SimpleLogin: the account's e-mail (or a username)"),
  password: z.string().min(1).max(200),
  device_name: z.string().max(50).nullish().describe("addy.io: names the token"),
  device: z.string().max(50).nullish().describe("SimpleLogin: names the token"),
  expiration: Expiration,
});

const MfaBody = z.object({
  mfa_key: z.string().max(300),
  otp: z.string().max(20).nullish().describe("addy.io: the code"),
  mfa_token: z.string().max(20).nullish().describe("SimpleLogin: the code"),
  device_name: z.string().max(50).nullish(),
  device: z.string().max(50).nullish(),
  expiration: Expiration,
});

const LoginOk = z.object({
  api_key: z.string().nullable(), name: z.string(), created_at: DateTime.optional(), expires_at: DateTime.nullish(),
  email: z.string().optional(), mfa_enabled: z.boolean().optional(), mfa_key: z.string().nullish(),
});

/** The token's expiry for an `expiration` choice (calendar month and year, UTC). */
export function expiryFor(choice: string | null | undefined, now: Date): Date | null {
  if (!choice) return null;
  const d = new Date(now);
  if (choice === "day") d.setUTCDate(d.getUTCDate() + 1);
  if (choice === "week") d.setUTCDate(d.getUTCDate() + 7);
  if (choice === "month") d.setUTCMonth(d.getUTCMonth() + 1);
  if (choice === "year") d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d;
}

async function identity(c: Context<AppEnv>, userId: string): Promise<{ username: string; email: string; verified: boolean }> {
  const [row] = await c.var.db.select({ username: usernames.username, email: recipients.email, verifiedAt: recipients.emailVerifiedAt })
    .from(users).leftJoin(usernames, eq(usernames.id, users.defaultUsernameId)).leftJoin(recipients, eq(recipients.id, users.defaultRecipientId))
    .where(eq(users.id, userId)).limit(1);
  return { username: row?.username ?? "", email: row?.email ?? "", verified: Boolean(row?.verifiedAt) };
}

async function issue(c: Context<AppEnv>, userId: string, sl: boolean, device: string | null | undefined, expiration: string | null | undefined): Promise<Response> {
  const now = nowSeconds();
  const who = await identity(c, userId);
  const name = device || (sl ? "SimpleLogin client" : "API login");
  const expiresAt = expiryFor(expiration, now);
  const { token } = await createApiToken(c.var.db, { userId, name, expiresAt }, now);
  if (sl) return c.json({ api_key: token, name: who.username, email: who.email, mfa_enabled: false, mfa_key: null });
  return c.json({ api_key: token, name, created_at: dateTime(now), expires_at: expiresAt ? dateTime(expiresAt) : null });
}

/** Registers `/api/auth/login`, `/api/auth/mfa` and `/api/auth/logout`. */
export function authRoutes(api: ApiBuilder): void {
  const tag = "Authentication";
  api.route({
    method: "post", path: "/api/auth/login", operationId: "login", tag, auth: "none", body: LoginBody,
    summary: "Exchange a username (or e-mail) and password for an API token",
    responses: {
      200: { description: "A new token (SimpleLogin: `api_key` null and `mfa_key` set when a code is needed)", schema: LoginOk },
      401: { description: "Wrong login or password, or the account's e-mail is not verified", schema: Message },
      403: { description: "The account's only second factor is a passkey: use a token from the dashboard", schema: Message },
      422: { description: "addy.io: a TOTP code is needed (`mfa_key`, `csrf_token`), or a field is missing", schema: z.union([ValidationError, z.object({ message: z.string(), mfa_key: z.string(), csrf_token: z.string() })]) },
      429: { description: "Too many attempts", schema: Message },
    },
  }, async (c, { body }) => {
    const sl = !body.username && Boolean(body.email);
    if (sl) c.set("errorStyle", "simplelogin");
    const login = body.username ?? body.email;
    if (!login) throw new ApiError("VALIDATION", "The username field is required.", "username");
    const userId = await checkLogin(c.var.db, { login, password: body.password, ip: c.req.header("cf-connecting-ip") ?? null }, c.var.config.loginLimits, nowSeconds());
    if (!userId) throw new ApiError("UNAUTHORIZED", "The provided credentials are incorrect.");
    const who = await identity(c, userId);
    if (!who.verified) throw new ApiError("UNAUTHORIZED", "Your email address is not verified.");
    const factors = await secondFactors(c.var.db, userId);
    if (factors.totp) {
      const mfaKey = await issueMfaKey(c.var.config.appSecret, userId, nowSeconds());
      if (sl) return c.json({ api_key: null, name: who.username, email: who.email, mfa_enabled: true, mfa_key: mfaKey });
      return c.json({ message: "OTP required", mfa_key: mfaKey, csrf_token: "deprecated" }, 422);
    }
    if (factors.passkeys > 0) throw new ApiError("FORBIDDEN", "Security keys cannot be used to log in through the API. Create an API token in the dashboard instead.");
    return issue(c, userId, sl, body.device_name ?? body.device, body.expiration);
  });

  api.route({
    method: "post", path: "/api/auth/mfa", operationId: "loginMfa", tag, auth: "none", body: MfaBody,
    summary: "Second step of login: the TOTP (or backup) code",
    responses: {
      200: { description: "A new token", schema: LoginOk },
      401: { description: "Wrong or expired key or code", schema: Message },
      429: { description: "Too many codes tried", schema: Message },
    },
  }, async (c, { body }) => {
    const sl = Boolean(body.mfa_token) && !body.otp;
    if (sl) c.set("errorStyle", "simplelogin");
    const userId = await readMfaKey(c.var.config.appSecret, body.mfa_key, nowSeconds());
    if (!userId) throw new ApiError("UNAUTHORIZED", "The login has expired. Please log in again.");
    const code = body.otp ?? body.mfa_token ?? "";
    if (!(await checkSecondFactorCode(c.var.db, userId, code, c.var.config.appSecret, nowSeconds()))) {
      throw new ApiError("UNAUTHORIZED", "The code is not valid.");
    }
    return issue(c, userId, sl, body.device_name ?? body.device, body.expiration);
  });

  api.route({
    method: "post", path: "/api/auth/logout", operationId: "logout", tag, auth: "token",
    summary: "Revoke the token this request uses",
    responses: { 204: { description: "Revoked" }, 401: { description: "Unauthenticated", schema: Message } },
  }, async (c) => {
    await revokeApiToken(c.var.db, c.var.apiCaller.userId, c.var.apiCaller.tokenId);
    return noContent(c);
  });
}
