/**
 * WebAuthn passkeys and security keys as a second factor (W3C WebAuthn Level 3, verified by
 * worker/auth/webauthn/): registration and login ceremonies, listing and removal. The challenge of a
 * ceremony is kept on the browser's session row (worker/auth/sessions.ts) by the calling route; the
 * relying party is the dashboard's own origin (APP_URL), so its host must be a domain name or
 * `localhost` (WebAuthn refuses IP addresses as RP IDs).
 */
import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { backupCodes, users, webauthnCredentials } from "../../db/schema/index.js";
import { fromBase64Url, toBase64Url } from "../auth/keys.js";
import { type RelyingParty, creationOptions, requestOptions, verifyAuthentication, verifyRegistration } from "../auth/webauthn/ceremonies.js";
import { isDuplicateKey } from "../db-errors.js";
import { ApiError } from "../errors.js";

export type { RelyingParty };

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

const transportsOf = (k: PasskeyRow) => (k.transports ? k.transports.split(",") : []);

/** Options for `navigator.credentials.create()`; its `challenge` must be stored with the session. */
export async function registrationOptions(db: Db, user: { id: string; username: string }, rp: RelyingParty) {
  const existing = await listPasskeys(db, user.id);
  return creationOptions(rp, { id: user.id, name: user.username }, existing.map((k) => ({ id: k.credentialId, transports: transportsOf(k) })));
}

function parseResponse(json: string): Record<string, unknown> {
  try {
    const value = JSON.parse(json);
    if (value && typeof value === "object") return value;
  } catch {
    // fall through
  }
  throw new ApiError("VALIDATION", "The passkey answer could not be read.", "response");
}

/**
 * Verifies a registration answer and stores the new credential.
 * @throws ApiError VALIDATION `response` when it does not verify; CONFLICT when already registered
 */
export async function registerPasskey(
  db: Db, userId: string, input: { response: string; name: string; expectedChallenge: string }, rp: RelyingParty, now: Date,
): Promise<void> {
  let credential;
  try {
    credential = await verifyRegistration(parseResponse(input.response), input.expectedChallenge, rp);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError("VALIDATION", `The passkey could not be verified: ${(err as Error).message}.`, "response");
  }
  try {
    await db.insert(webauthnCredentials).values({
      id: crypto.randomUUID(), userId, credentialId: credential.id, publicKey: toBase64Url(credential.publicKey),
      counter: credential.counter, transports: credential.transports.join(",").slice(0, 100) || null, name: input.name, createdAt: now,
    });
  } catch (err) {
    if (isDuplicateKey(err)) throw new ApiError("CONFLICT", "This passkey is already registered.", "response");
    throw err;
  }
}

/** Options for `navigator.credentials.get()` listing the user's credentials; store its `challenge`. */
export async function loginOptions(db: Db, userId: string, rp: RelyingParty) {
  const keys = await listPasskeys(db, userId);
  return requestOptions(rp, keys.map((k) => ({ id: k.credentialId, transports: transportsOf(k) })));
}

/**
 * Verifies a login answer against the user's stored credential and records its new counter.
 * @returns true when it verifies (a credential of another user, a wrong challenge or origin: false)
 */
export async function verifyPasskeyLogin(db: Db, userId: string, input: { response: string; expectedChallenge: string }, rp: RelyingParty, now: Date): Promise<boolean> {
  let response: Record<string, unknown>;
  try {
    response = parseResponse(input.response);
  } catch {
    return false;
  }
  if (typeof response.id !== "string") return false;
  const [key] = await db.select().from(webauthnCredentials)
    .where(and(eq(webauthnCredentials.credentialId, response.id), eq(webauthnCredentials.userId, userId))).limit(1);
  const publicKey = key ? fromBase64Url(key.publicKey) : null;
  if (!key || !publicKey) return false;
  try {
    const counter = await verifyAuthentication(response, input.expectedChallenge, rp, { id: key.credentialId, publicKey, counter: key.counter });
    await db.update(webauthnCredentials).set({ counter, lastUsedAt: now }).where(eq(webauthnCredentials.id, key.id));
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
