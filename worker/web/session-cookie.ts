/**
 * Starting and ending dashboard sessions from a route: the database row (worker/auth/sessions.ts) and
 * the cookie together. Starting one always deletes the session the browser had (rotation: a session id
 * known before login is worthless after it).
 */
import type { Context } from "hono";
import { type SessionStage, createSession, deleteSession, sweepExpiredSessions } from "../auth/sessions.js";
import { nowSeconds } from "../db-errors.js";
import { SESSION_COOKIE, dropCookie, putCookie } from "./cookies.js";
import { clientIp } from "./router.js";
import type { WebEnv } from "./types.js";

/** Replaces the browser's session with a new one for `userId`. */
export async function beginSession(c: Context<WebEnv>, userId: string, stage: SessionStage): Promise<void> {
  const { db, config } = c.var;
  const now = nowSeconds();
  if (c.var.session) await deleteSession(db, c.var.session.id);
  await sweepExpiredSessions(db, now, 50);
  const { token, session } = await createSession(db, {
    userId, stage, ip: clientIp(c), userAgent: c.req.header("user-agent") ?? null,
  }, config.sessionTtlSeconds, now);
  putCookie(c, SESSION_COOKIE, token, stage === "active" ? config.sessionTtlSeconds : undefined);
  c.set("session", session);
}

/** Ends the browser's session (row and cookie). */
export async function endSession(c: Context<WebEnv>): Promise<void> {
  if (c.var.session) await deleteSession(c.var.db, c.var.session.id);
  dropCookie(c, SESSION_COOKIE);
  c.set("session", null);
  c.set("user", null);
}

/** What links in mail need from the config. */
export const mailContext = (c: Context<WebEnv>) => ({ appUrl: c.var.config.appUrl, appName: c.var.config.appName, appSecret: c.var.config.appSecret });
