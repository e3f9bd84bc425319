/**
 * The dashboard's cookies, all HttpOnly, Secure, SameSite=Lax, with the `__Host-` prefix (RFC 6265bis
 * §4.1.3.2: Secure, Path=/, no Domain, so no subdomain can set or read them). Browsers treat
 * http://127.0.0.1 and http://localhost as secure contexts, so the same cookies work in development.
 *
 * | cookie | holds |
 * |---|---|
 * | `__Host-vm_session` | the session token (worker/auth/sessions.ts) |
 * | `__Host-vm_visitor` | a random id that anonymous forms' CSRF tokens are bound to |
 * | `__Host-vm_flash` | a one-time message for the next page, base64url JSON |
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { fromBase64Url, toBase64Url } from "../auth/keys.js";
import type { Flash } from "./types.js";

export const SESSION_COOKIE = "__Host-vm_session";
export const VISITOR_COOKIE = "__Host-vm_visitor";
export const FLASH_COOKIE = "__Host-vm_flash";

const base = { path: "/", secure: true, httpOnly: true, sameSite: "Lax" } as const;

/** Sets a cookie with the attributes above; `maxAge` in seconds, omitted for a browser-session cookie. */
export function putCookie(c: Context, name: string, value: string, maxAge?: number): void {
  setCookie(c, name, value, maxAge === undefined ? base : { ...base, maxAge });
}

/** Expires a cookie. */
export function dropCookie(c: Context, name: string): void {
  deleteCookie(c, name, base);
}

/** Reads a cookie of this request. */
export function readCookie(c: Context, name: string): string | undefined {
  return getCookie(c, name);
}

/** Queues a one-time message for the next page the browser loads. */
export function setFlash(c: Context, flash: Flash): void {
  putCookie(c, FLASH_COOKIE, toBase64Url(new TextEncoder().encode(JSON.stringify(flash))), 60);
}

/** Takes (reads and expires) the one-time message, if any. */
export function takeFlash(c: Context): Flash | null {
  const raw = readCookie(c, FLASH_COOKIE);
  if (!raw) return null;
  dropCookie(c, FLASH_COOKIE);
  const bytes = fromBase64Url(raw);
  try {
    const value = bytes ? JSON.parse(new TextDecoder().decode(bytes)) : null;
    if (value && (value.kind === "ok" || value.kind === "error") && typeof value.text === "string") return { kind: value.kind, text: value.text.slice(0, 300) };
  } catch {
    // A mangled flash cookie is simply ignored.
  }
  return null;
}
