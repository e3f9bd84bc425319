/**
 * WebAuthn passkeys and security keys as a second factor (W3C WebAuthn Level 3, through
 * @simplewebauthn/server): registration and login ceremonies, listing and removal. The challenge of a
 * ceremony is kept on the browser's session row (worker/auth/sessions.ts) by the calling route; the
 * relying party is the dashboard's own origin (APP_URL), so its host must be a domain name or
 * `localhost` (WebAuthn refuses IP addresses as RP IDs).
 */
import {
  generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse,
} from "@simplewebauthn/server";
import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { backupCodes, users, webauthnCredentials } from "../../db/schema/index.js";
import { fromBase64Url, toBase64Url } from "../auth/keys.js";
import { isDuplicateKey } from "../db-errors.js";
import { ApiError } from "../errors.js";

/** The relying party: `id` the host of APP_URL, `origin` its origin, `name` the product name. */
export interface RelyingParty {
  id: string;
  origin: string;
  name: string;
}

/** The relying party for an APP_URL. */
export function relyingParty(appUrl: string, appName: string): RelyingParty {
  const url = new URL(appUrl);
  return { id: url.hostname, origin: url.origin, name: appName };
}

export type PasskeyRow = typeof webauthnCredentials.$inferSelect;

/** The passkeys of `userId`, oldest first. */
export function listPasskeys(db: Db, userId: string): Promise<PasskeyRow[]> {
  return db.select().from(webauthnCredentials).where(eq(webauthnCredentials.userId, userId)).orderBy(webauthnCredentials.createdAt);
}

/** Options for `navigator.credentials.create()`; its `challenge` must be stored with the session. */
export async function registrationOptions(db: Db, user: { id: string; username: string }, rp: RelyingParty) {
  const existing = await listPasskeys(db, user.id);
  return generateRegistrationOptions({
    rpName: rp.name, rpID: rp.id, userName: user.username, userID: new TextEncoder().encode(user.id),
    attestationType: "none",
    excludeCredentials: existing.map((k) => ({ id: k.credentialId, transports: k.transports ? k.transports.split(",") : [] })),
    authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
  });
}

function parseResponse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    throw new ApiError("VALIDATION", "The passkey answer could not be read.", "response");
  }
}

/**
 * Verifies a registration answer and stores the new credential.
 * @throws ApiError VALIDATION `response` when it does not verify; CONFLICT when already registered
 */
export async function registerPasskey(
  db: Db, userId: string, input: { response: string; name: string; expectedChallenge: string }, rp: RelyingParty, now: Date,
): Promise<void> {
  let result;
  try {
    result = await verifyRegistrationResponse({
      response: parseResponse(input.response) as Parameters<typeof verifyRegistrationResponse>[0]["response"],
      expectedChallenge: input.expectedChallenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: false,
    });
  } catch (err) {
    throw new ApiError("VALIDATION", `The passkey could not be verified: ${(err as Error).message}`, "response");
  }
  if (!result.verified) throw new ApiError("VALIDATION", "The passkey could not be verified.", "response");
  const { credential } = result.registrationInfo;
  try {
    await db.insert(webauthnCredentials).values({
      id: crypto.randomUUID(), userId, credentialId: credential.id, publicKey: toBase64Url(credential.publicKey),
      counter: credential.counter, transports: credential.transports?.join(",").slice(0, 100) ?? null,
      name: input.name, createdAt: now,
    });
  } catch (err) {
    if (isDuplicateKey(err)) throw new ApiError("CONFLICT", "This passkey is already registered.", "response");
    throw err;
  }
}

/** Options for `navigator.credentials.get()` listing the user's credentials; store its `challenge`. */
export async function loginOptions(db: Db, userId: string, rp: RelyingParty) {
  const keys = await listPasskeys(db, userId);
  return generateAuthenticationOptions({
    rpID: rp.id, userVerification: "preferred",
    allowCredentials: keys.map((k) => ({ id: k.credentialId, transports: (k.transports ? k.transports.split(",") : []) as never })),
  });
}

/**
 * Verifies a login answer against the user's stored credential and records its new counter.
 * @returns true when it verifies (a credential of another user, a wrong challenge or origin: false)
 */
export async function verifyPasskeyLogin(db: Db, userId: string, input: { response: string; expectedChallenge: string }, rp: RelyingParty, now: Date): Promise<boolean> {
  const response = parseResponse(input.response) as Parameters<typeof verifyAuthenticationResponse>[0]["response"];
  if (typeof response?.id !== "string") return false;
  const [key] = await db.select().from(webauthnCredentials)
    .where(and(eq(webauthnCredentials.credentialId, response.id), eq(webauthnCredentials.userId, userId))).limit(1);
  const publicKey = key ? fromBase64Url(key.publicKey) : null;
  if (!key || !publicKey) return false;
  try {
    const result = await verifyAuthenticationResponse({
      response, expectedChallenge: input.expectedChallenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: false,
      credential: { id: key.credentialId, publicKey: publicKey as Uint8Array<ArrayBuffer>, counter: key.counter, transports: key.transports?.split(",") ?? [] },
    });
    if (!result.verified) return false;
    await db.update(webauthnCredentials).set({ counter: result.authenticationInfo.newCounter, lastUsedAt: now }).where(eq(webauthnCredentials.id, key.id));
    return true;
  } catch {
    return false;
  }
}

/** Removes a passkey; when no second factor is left, the backup codes go too. @throws ApiError NOT_FOUND */
export async function deletePasskey(db: Db, userId: string, id: string): Promise<void> {
  const result = await db.delete(webauthnCredentials).where(and(eq(webauthnCredentials.id, id), eq(webauthnCredentials.userId, userId)));
  if (((result as { rowsAffected?: number }).rowsAffected ?? 0) === 0) throw new ApiError("NOT_FOUND", "Passkey not found");
  const [left] = await db.select({ id: webauthnCredentials.id }).from(webauthnCredentials).where(eq(webauthnCredentials.userId, userId)).limit(1);
  const [user] = await db.select({ totp: users.totpEnabledAt }).from(users).where(eq(users.id, userId)).limit(1);
  if (!left && !user?.totp) await db.delete(backupCodes).where(eq(backupCodes.userId, userId));
}
