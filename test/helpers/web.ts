/**
 * A cookie-keeping HTTP client for the dashboard, like a browser without JavaScript: it stores the
 * cookies the Worker sets, reads the CSRF token from the last page, and posts forms with it. Redirects
 * are not followed, so tests see each status and Location.
 */
import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { mailOutbox, usernames, users } from "../../db/schema/index.js";

export interface WebResponse {
  status: number;
  html: string;
  location: string | null;
  headers: Headers;
}

export class WebClient {
  readonly cookies = new Map<string, string>();
  /** The HTML of the last page fetched (its `_csrf` is used by {@link post}). */
  lastHtml = "";

  constructor(readonly baseUrl: string, readonly headers: Record<string, string> = {}) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const i = pair!.indexOf("=");
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "";
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** Any request; remembers cookies; a text body is kept as `html` (and as the last page when 2xx/4xx). */
  async request(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<WebResponse> {
    const res = await fetch(new URL(path, this.baseUrl), {
      method, body, redirect: "manual",
      headers: { ...this.headers, ...headers, ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}) },
    });
    this.remember(res);
    const html = await res.text();
    if (res.status < 300 || res.status >= 400) this.lastHtml = html;
    return { status: res.status, html, location: res.headers.get("location"), headers: res.headers };
  }

  get(path: string): Promise<WebResponse> {
    return this.request("GET", path);
  }

  /** The `_csrf` value of the last page (the first form's; all forms of a page carry the same one). */
  csrf(): string {
    const m = /name="_csrf" value="([^"]*)"/.exec(this.lastHtml);
    if (!m) throw new Error("no CSRF token on the last page");
    return m[1]!;
  }

  /**
   * Posts a urlencoded form. `_csrf` is taken from the last page unless given (pass `_csrf: null` to
   * send none).
   */
  post(path: string, fields: Record<string, string | string[] | null> = {}): Promise<WebResponse> {
    const form = new URLSearchParams();
    const withCsrf = "_csrf" in fields ? fields : { _csrf: this.csrf(), ...fields };
    for (const [k, v] of Object.entries(withCsrf)) {
      if (v === null) continue;
      for (const one of Array.isArray(v) ? v : [v]) form.append(k, one);
    }
    return this.request("POST", path, form.toString(), { "content-type": "application/x-www-form-urlencoded" });
  }

  /** GET `path` (to get a fresh CSRF token), then POST `fields` to `action` (default: the same path). */
  async submit(path: string, fields: Record<string, string | string[]>, action = path.split("?")[0]!): Promise<WebResponse> {
    const page = await this.get(path);
    if (page.status >= 300) throw new Error(`GET ${path} answered ${page.status}`);
    return this.post(action, fields);
  }
}

/** The outbox mails to `to` (what a bridge would deliver), optionally of one category, newest first. */
export async function mailsTo(db: Db, to: string, category?: string): Promise<(typeof mailOutbox.$inferSelect)[]> {
  const where = category ? and(eq(mailOutbox.toAddress, to), eq(mailOutbox.category, category)) : eq(mailOutbox.toAddress, to);
  return db.select().from(mailOutbox).where(where).orderBy(desc(mailOutbox.createdAt));
}

/**
 * Waits (up to `timeoutMs`) until the outbox holds `count` mails to `to` of `category`, for mail the
 * Worker queues after answering (password resets run in `waitUntil`).
 * @returns those mails, newest first
 */
export async function waitForMails(db: Db, to: string, category: string, count = 1, timeoutMs = 10_000): Promise<(typeof mailOutbox.$inferSelect)[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = await mailsTo(db, to, category);
    if (found.length >= count || Date.now() > until) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The path and query of the first link in a mail text whose path starts with `path` (e.g. `/recipients/verify`). */
export function linkIn(text: string, path: string): string {
  const m = new RegExp(`https?://[^/\\s]+(${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\S*)`).exec(text);
  if (!m) throw new Error(`no link to ${path} in:\n${text}`);
  return m[1]!;
}

/**
 * Opens a recipient verification link as a person does: the GET shows a confirmation (and changes
 * nothing), the button POSTs the token.
 * @returns the answer to the POST
 */
export async function openVerificationLink(client: WebClient, link: string): Promise<WebResponse> {
  const page = await client.get(link);
  if (page.status !== 200) return page;
  const token = /name="token" value="([^"]*)"/.exec(page.html)?.[1];
  if (!token) return page;
  return client.post("/recipients/verify", { token: token.replace(/&amp;/g, "&") });
}

/** Text of the page without tags (for assertions on what a user reads). */
export const textOf = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&").replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/\s+/g, " ");

/** A signed-up (through `/signup`), verified (through its mail link) and signed-in account. */
export interface WebUser {
  client: WebClient;
  userId: string;
  username: string;
  email: string;
  password: string;
}

/**
 * Signs up `username` with `<username>@mailbox.example` and opens the verification link.
 * @param plan a plan other than the default `free` (whose limits allow no extra recipients, usernames
 *   or custom domains), set the way an operator would (`users.plan`)
 */
export async function signedInUser(baseUrl: string, db: Db, username: string, password = `${username}-password-1`, plan?: string): Promise<WebUser> {
  const client = new WebClient(baseUrl);
  const email = `${username}@mailbox.example`;
  const res = await client.submit("/signup", { username, email, password, password_confirmation: password });
  if (res.status !== 303) throw new Error(`sign-up of ${username} answered ${res.status}: ${textOf(res.html).slice(0, 300)}`);
  const [mail] = await mailsTo(db, email, "verification");
  const verified = await openVerificationLink(client, linkIn(mail!.textBody, "/recipients/verify?token="));
  if (verified.status !== 200) throw new Error(`verification of ${email} answered ${verified.status}`);
  const [row] = await db.select({ userId: usernames.userId }).from(usernames).where(eq(usernames.username, username));
  if (plan) await db.update(users).set({ plan }).where(eq(users.id, row!.userId!));
  return { client, userId: row!.userId!, username, email, password };
}
