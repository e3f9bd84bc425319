/**
 * `GET /`: what the service does, the plans, sign-up, the newsletter form, and a link to the status
 * page. Signed-in users see it too (the brand link takes them to their dashboard).
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { listPlans } from "../../plans/plans.js";
import { webErrorPage } from "../errors.js";
import type { FieldErrors } from "../forms.js";
import { render } from "../layout.js";
import { webStack } from "../middleware.js";
import type { WebEnv } from "../types.js";
import { Csrf, Field } from "../ui.js";

type PlanRow = Awaited<ReturnType<typeof listPlans>>[number];

const limit = (n: number | null, unit = "") => (n === null ? "Unlimited" : `${n}${unit}`);
const mb = (n: number | null) => (n === null ? "Unlimited" : `${Math.round(n / 1024 / 1024)} MB`);

/** The plans as the operator configured them (worker/plans/), from the database. */
function Plans({ plans }: { plans: PlanRow[] }) {
  const rows: [string, (p: PlanRow) => string][] = [
    ["Aliases at your username subdomain", () => "Unlimited"],
    ["Active aliases on shared domains", (p) => limit(p.sharedDomainAliases)],
    ["Recipients", (p) => limit(p.recipients)], ["Custom domains", (p) => limit(p.customDomains)],
    ["Extra usernames", (p) => limit(p.usernames)], ["Replies and sends per day", (p) => limit(p.repliesPerDay)],
    ["Bandwidth per month", (p) => mb(p.bandwidthBytes)], ["Premium shared domains", (p) => (p.paid ? "Yes" : "No")],
  ];
  return (
    <table class="stack">
      <thead><tr><th scope="col"><span class="visually-hidden">Feature</span></th>{plans.map((p) => <th scope="col">{p.name}</th>)}</tr></thead>
      <tbody>{rows.map(([label, value]) => (
        <tr><th scope="row">{label}</th>{plans.map((p) => <td data-label={p.name}>{value(p)}</td>)}</tr>
      ))}</tbody>
    </table>
  );
}

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
export async function landingPage(c: Context<WebEnv>, newsletter: { errors?: FieldErrors; email?: string } = {}, status?: 422 | 429) {
  const { appName } = c.var.config;
  const plans = await listPlans(c.var.db);
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
      <section class="card" aria-label="Plans">
        {plans.length ? <Plans plans={plans} /> : <p>Every account gets the same service.</p>}
      </section>
      <NewsletterForm csrf={c.var.csrfToken} errors={newsletter.errors} email={newsletter.email} />
      <p>Is everything running? See the <a href="/status">service status</a>.</p>
    </>
  );
  return render(c, "Private e-mail aliases", body, { status });
}

/** Mounted at `/` with route-level middleware only, so nothing here touches other paths. */
export const landingRoutes = new Hono<WebEnv>().get("/", ...webStack, (c) => landingPage(c));
landingRoutes.onError(webErrorPage);
