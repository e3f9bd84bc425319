/**
 * Dashboard sessions, kept in the database (`sessions`). The browser holds a random 43-character token
 * in an HttpOnly cookie; the row's id is its SHA-256, so the table alone cannot be replayed as cookies.
 *
 * A session is `pending` between a correct password and the second factor (10 minutes at most), then
 * `active`. Logging in always makes a new session (the old cookie's row is deleted: rotation), and the
 * expiry slides forward on use, written at most once a minute.
 */
import { and, eq, gt, lt, ne } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { sessions } from "../../db/schema/index.js";
import { sha256Hex } from "../../common/signature.js";
import { randomString } from "./tokens.js";

export type SessionStage = "active" | "pending";

/** How long a `pending` session may wait for its second factor. */
export const PENDING_TTL_SECONDS = 600;

export interface Session {
  id: string;
  userId: string;
  stage: SessionStage;
  /** The WebAuthn challenge issued to this session, if any. */
  challenge: string | null;
  expiresAt: Date;
  /** True when this request moved `expiresAt` forward (the cookie's lifetime should follow). */
  renewed?: boolean;
}

/**
 * Starts a session.
 * @param ttlSeconds lifetime of an `active` session without use (pending ones get {@link PENDING_TTL_SECONDS})
 * @returns the cookie token (never stored) and the session
 */
export async function createSession(
  db: Db, input: { userId: string; stage: SessionStage; ip: string | null; userAgent: string | null }, ttlSeconds: number, now: Date,
): Promise<{ token: string; session: Session }> {
  const token = randomString(43);
  const id = await sha256Hex(token);
  const ttl = input.stage === "pending" ? PENDING_TTL_SECONDS : ttlSeconds;
  const expiresAt = new Date(now.getTime() + ttl * 1000);
  await db.insert(sessions).values({
    id, userId: input.userId, stage: input.stage, ip: input.ip?.slice(0, 45) ?? null,
    userAgent: input.userAgent?.slice(0, 255) ?? null, createdAt: now, lastSeenAt: now, expiresAt,
  });
  return { token, session: { id, userId: input.userId, stage: input.stage, challenge: null, expiresAt } };
}

/**
 * The live session for a cookie token, its expiry slid forward when last seen over a minute ago.
 * @returns null for an unknown, malformed or expired token
 */
export async function findSession(db: Db, token: string, ttlSeconds: number, now: Date): Promise<Session | null> {
  if (!/^[A-Za-z0-9]{43}$/.test(token)) return null;
  const id = await sha256Hex(token);
  const [row] = await db.select().from(sessions).where(and(eq(sessions.id, id), gt(sessions.expiresAt, now))).limit(1);
  if (!row) return null;
  const session: Session = { id, userId: row.userId, stage: row.stage as SessionStage, challenge: row.challenge, expiresAt: row.expiresAt };
  if (session.stage === "active" && now.getTime() - row.lastSeenAt.getTime() > 60_000) {
    session.expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
    session.renewed = true;
    await db.update(sessions).set({ lastSeenAt: now, expiresAt: session.expiresAt }).where(eq(sessions.id, id));
  }
  return session;
}

/** Ends one session (logout, or the old one at rotation). */
export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, id));
}

/**
 * Ends every session of a user except `keepId` (after a password change, a reset, or account deletion).
 */
export async function deleteOtherSessions(db: Db, userId: string, keepId: string | null): Promise<void> {
  const mine = eq(sessions.userId, userId);
  await db.delete(sessions).where(keepId ? and(mine, ne(sessions.id, keepId)) : mine);
}

/** Stores (or clears) the WebAuthn challenge of a session. */
export async function setSessionChallenge(db: Db, id: string, challenge: string | null): Promise<void> {
  await db.update(sessions).set({ challenge }).where(eq(sessions.id, id));
}

/** Deletes up to `limit` expired sessions (called at login, so the table stays small without a cron job). */
export async function sweepExpiredSessions(db: Db, now: Date, limit = 200): Promise<void> {
  await db.delete(sessions).where(lt(sessions.expiresAt, now)).limit(limit);
}
