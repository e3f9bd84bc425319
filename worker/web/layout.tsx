/**
 * The page frame: skip link, header with the main navigation (signed in) or sign-in links, the flash
 * message, the page's content in `<main>`, and a footer linking the status page.
 */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import { ASSET_PATHS } from "./assets/routes.js";
import type { Flash, WebEnv } from "./types.js";

const NAV: [string, string][] = [
  ["/dashboard", "Dashboard"], ["/aliases", "Aliases"], ["/recipients", "Recipients"], ["/usernames", "Usernames"],
  ["/domains", "Domains"], ["/failed-deliveries", "Failed deliveries"], ["/settings", "Settings"],
];

/** Extra assets a page needs besides the stylesheet and app.js. */
export interface PageOptions {
  status?: 200 | 400 | 401 | 403 | 404 | 409 | 422 | 429 | 500 | 503;
  scripts?: (keyof typeof ASSET_PATHS)[];
}

function FlashMessage({ flash }: { flash: Flash | null }) {
  if (!flash) return null;
  return <div class={`flash ${flash.kind}`} role={flash.kind === "error" ? "alert" : "status"}>{flash.text}</div>;
}

/**
 * Renders `body` inside the frame and answers with it.
 * @param title the page's `<title>` and nothing else: pages write their own `<h1>`
 */
export function render(c: Context<WebEnv>, title: string, body: Child, opts: PageOptions = {}) {
  const { user, csrfToken, flash, config } = c.var;
  const path = new URL(c.req.url).pathname;
  const scripts = ["app" as const, ...(opts.scripts ?? [])];
  const page = (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{`${title} · ${config.appName}`}</title>
        <link rel="stylesheet" href={ASSET_PATHS.css} />
        {scripts.map((s) => <script src={ASSET_PATHS[s]} defer></script>)}
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <a class="brand" href={user ? "/dashboard" : "/"}>{config.appName}</a>
          {user ? (
            <nav aria-label="Main">
              <ul>{NAV.map(([href, label]) => <li><a href={href} aria-current={path === href || path.startsWith(`${href}/`) ? "page" : undefined}>{label}</a></li>)}</ul>
            </nav>
          ) : null}
          <div class="who">
            {user ? (
              <>
                <span>Signed in as <strong>{user.username}</strong></span>
                <form method="post" action="/logout" class="inline">
                  <input type="hidden" name="_csrf" value={csrfToken} />
                  <button type="submit" class="link">Log out</button>
                </form>
              </>
            ) : (
              <>
                <a href="/login">Log in</a>
                <a href="/signup">Sign up</a>
              </>
            )}
          </div>
        </header>
        <main id="main" tabindex={-1}>
          {user && !user.emailVerified && path !== "/verify" ? (
            <div class="flash warn" role="status">
              Please verify <strong>{user.email}</strong>: we sent you a link. Mail is forwarded only to verified addresses.{" "}
              <a href="/recipients">Resend it from Recipients</a>.
            </div>
          ) : null}
          <FlashMessage flash={flash} />
          {body}
        </main>
        <footer>
          <a href="/status">Service status</a> · <a href="/">About {config.appName}</a>
        </footer>
      </body>
    </html>
  );
  return c.html(`<!doctype html>${page}`, opts.status ?? 200);
}
