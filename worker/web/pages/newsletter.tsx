/**
 * `/newsletter`: subscribe (from the landing page), confirm, unsubscribe, and block further
 * confirmation requests by signed links. Links from mail open a page with a button that POSTs, so mail
 * scanners that fetch links change nothing.
 */
import type { Context } from "hono";
import { z } from "zod";
import { blockRequests, blockTarget, confirmSubscription, subscribe, unsubscribe, unsubscribeTarget } from "../../accounts/newsletter.js";
import { nowSeconds } from "../../db-errors.js";
import { fieldErrorsFrom, readForm } from "../forms.js";
import { render } from "../layout.js";
import { ApiError } from "../../errors.js";
import { clientIp, webRouter } from "../router.js";
import { mailContext } from "../session-cookie.js";
import type { WebEnv } from "../types.js";
import { Csrf } from "../ui.js";
import { landingPage } from "./landing.js";

const message = (c: Context<WebEnv>, title: string, text: string, status?: 400) =>
  render(c, title, <div class="card narrow"><h1>{title}</h1><p>{text}</p><p><a href="/">Back to the start page</a></p></div>, { status });

function ActionPage({ csrf, action, token, title, text, button }: { csrf: string; action: string; token: string; title: string; text: string; button: string }) {
  return (
    <div class="card narrow">
      <h1>{title}</h1>
      <p>{text}</p>
      <form method="post" action={action}>
        <Csrf token={csrf} />
        <input type="hidden" name="token" value={token} />
        <button type="submit">{button}</button>
      </form>
    </div>
  );
}

const invalid = "This link is not valid (it may have expired). Subscribe again from the start page.";
const TokenForm = z.object({ token: z.string().min(1).max(2000) });

export const newsletterRoutes = webRouter()
  .post("/", async (c) => {
    const form = await readForm(c, z.object({ email: z.string().trim().min(1, "Enter your e-mail address.").max(254, "That address is too long.") }));
    if (!form.ok) return landingPage(c, { errors: form.errors, email: form.values.email }, 422);
    try {
      await subscribe(c.var.db, form.data.email, nowSeconds(), mailContext(c), clientIp(c));
    } catch (err) {
      const limited = err instanceof ApiError && err.code === "RATE_LIMITED";
      if (limited) c.header("Retry-After", err.details.headers?.["Retry-After"] ?? "3600");
      return landingPage(c, { errors: fieldErrorsFrom(err), email: form.values.email }, limited ? 429 : 422);
    }
    return message(c, "Check your mail", `If ${form.data.email} is not subscribed yet, a confirmation link is on its way to it.`);
  })
  .get("/confirm", (c) => render(c, "Confirm your subscription", (
    <ActionPage csrf={c.var.csrfToken} action="/newsletter/confirm" token={c.req.query("token") ?? ""} title="Confirm your subscription"
      text="One click and you are on the list." button="Confirm subscription" />
  )))
  .post("/confirm", async (c) => {
    const form = await readForm(c, TokenForm);
    const email = form.ok ? await confirmSubscription(c.var.db, form.data.token, nowSeconds(), c.var.config.appSecret) : null;
    return email ? message(c, "Subscribed", `${email} will receive the newsletter.`) : message(c, "Link not valid", invalid, 400);
  })
  .get("/unsubscribe", async (c) => {
    const token = c.req.query("token") ?? "";
    const target = await unsubscribeTarget(c.var.db, token, nowSeconds(), c.var.config.appSecret);
    if (!target) return message(c, "Link not valid", "This unsubscribe link is not valid.", 400);
    return render(c, "Unsubscribe", (
      <ActionPage csrf={c.var.csrfToken} action="/newsletter/unsubscribe" token={token} title="Unsubscribe"
        text={`Stop sending the newsletter to ${target.email}?`} button="Unsubscribe" />
    ));
  })
  .post("/unsubscribe", async (c) => {
    const form = await readForm(c, TokenForm);
    const email = form.ok ? await unsubscribe(c.var.db, form.data.token, nowSeconds(), c.var.config.appSecret) : null;
    return email ? message(c, "Unsubscribed", `${email} will not receive the newsletter any more.`) : message(c, "Link not valid", "This unsubscribe link is not valid.", 400);
  })
  .get("/block", async (c) => {
    const token = c.req.query("token") ?? "";
    const target = await blockTarget(c.var.db, token, nowSeconds(), c.var.config.appSecret);
    if (!target) return message(c, "Link not valid", "This link is not valid.", 400);
    return render(c, "Block newsletter requests", (
      <ActionPage csrf={c.var.csrfToken} action="/newsletter/block" token={token} title="Block newsletter requests"
        text={`Never send ${target.email} a newsletter confirmation request again?`} button="Block further requests" />
    ));
  })
  .post("/block", async (c) => {
    const form = await readForm(c, TokenForm);
    const email = form.ok ? await blockRequests(c.var.db, form.data.token, nowSeconds(), c.var.config.appSecret) : null;
    return email ? message(c, "Blocked", `${email} will get no more newsletter confirmation requests from us.`) : message(c, "Link not valid", "This link is not valid.", 400);
  });
