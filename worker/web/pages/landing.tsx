/**
 * `GET /`: what the service does, the plans, sign-up, the newsletter form, and a link to the status
 * page. Signed-in users see it too (the brand link takes them to their dashboard).
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { webErrorPage } from "../errors.js";
import type { FieldErrors } from "../forms.js";
import { render } from "../layout.js";
import { webStack } from "../middleware.js";
import type { WebEnv } from "../types.js";
import { Csrf, Field } from "../ui.js";

const PLANS = [
  { name: "Free", price: "$0", points: ["Unlimited aliases at your own username subdomain", "Aliases on the shared domains", "Replies and sends through your aliases", "Two-factor login with an app or a passkey"] },
  { name: "Paid", price: "set by your operator", points: ["Everything in Free", "The premium shared domains", "Your own custom domains with DKIM", "Extra usernames"] },
] as const;

/** The newsletter form (also re-rendered with its error by the newsletter route). */
export function NewsletterForm({ csrf, errors, email }: { csrf: string; errors?: FieldErrors; email?: string }) {
  return (
    <form method="post" action="/newsletter" class="card" novalidate>
      <h2 id="newsletter">Newsletter</h2>
      <p>A few mails a year about new features and changes. We send a link to confirm; every mail has an unsubscribe link.</p>
      <div class="row">
        <Csrf token={csrf} />
        <Field name="email" label="Your e-mail address" type="email" value={email} errors={errors} required autocomplete="email" />
        <button type="submit">Subscribe</button>
      </div>
    </form>
  );
}

/** The landing page's content. */
export function landingPage(c: Context<WebEnv>, newsletter: { errors?: FieldErrors; email?: string } = {}, status?: 422) {
  const { appName } = c.var.config;
  const body = (
    <>
      <section class="hero">
        <h1>{appName}: e-mail aliases that keep your address private</h1>
        <p>
          Give every shop, newsletter and forum its own alias. Mail to an alias is forwarded to your real mailbox; your replies go
          out from the alias, so your address is never shown. Turn an alias off the moment it gets spam.
        </p>
        {c.var.user ? <a class="button" href="/dashboard">Go to your dashboard</a> : <><a class="button" href="/signup">Create a free account</a> <a class="button secondary" href="/login">Log in</a></>}
      </section>
      <h2>How it works</h2>
      <div class="grid">
        <div class="card"><h3>Aliases on the fly</h3><p>Anything at your username subdomain works at once: <code>shop@you.example</code> is created by its first mail.</p></div>
        <div class="card"><h3>Replies stay private</h3><p>Each sender gets a reply address; answer it and the mail leaves from your alias, never from you.</p></div>
        <div class="card"><h3>Two mail servers</h3><p>A primary and a backup MX both check every recipient, so mail keeps flowing when one is down.</p></div>
        <div class="card"><h3>Works with your tools</h3><p>An addy.io-compatible API for Bitwarden, browser extensions and apps.</p></div>
      </div>
      <h2>Plans</h2>
      <div class="plans">
        {PLANS.map((p) => (
          <div class="card">
            <h3>{p.name}</h3>
            <p><strong>{p.price}</strong></p>
            <ul>{p.points.map((t) => <li>{t}</li>)}</ul>
          </div>
        ))}
      </div>
      <NewsletterForm csrf={c.var.csrfToken} errors={newsletter.errors} email={newsletter.email} />
      <p>Is everything running? See the <a href="/status">service status</a>.</p>
    </>
  );
  return render(c, "Private e-mail aliases", body, { status });
}

/** Mounted at `/` with route-level middleware only, so nothing here touches other paths. */
export const landingRoutes = new Hono<WebEnv>().get("/", ...webStack, (c) => landingPage(c));
landingRoutes.onError(webErrorPage);
