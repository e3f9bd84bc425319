/**
 * `/recipients/verify?token=…`: the link in a recipient's verification mail. It needs no login: the
 * signed token names the recipient and its address (worker/accounts/recipients.ts).
 *
 * - GET shows the address and a button, and changes nothing: mail scanners, link previews and security
 *   gateways fetch every link in a message, and none of them may verify an address for its reader
 *   (whoever typed someone else's address would otherwise get it verified by their scanner).
 * - POST (the button, with the dashboard's CSRF token like every form) verifies it.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { VERIFY_PATH, peekRecipientLink, verifyRecipient } from "../../accounts/recipients.js";
import { nowSeconds } from "../../db-errors.js";
import { webErrorPage } from "../errors.js";
import { readForm } from "../forms.js";
import { render } from "../layout.js";
import { webStack } from "../middleware.js";
import type { WebEnv } from "../types.js";
import { Csrf } from "../ui.js";

function invalid(c: Context<WebEnv>) {
  return render(c, "Link not valid", (
    <div class="card narrow">
      <h1>Link not valid</h1>
      <p>This verification link has expired or is for an address that changed. Log in and send a new one from Recipients.</p>
    </div>
  ), { status: 400 });
}

function verified(c: Context<WebEnv>, email: string) {
  return render(c, "Address verified", (
    <div class="card narrow">
      <h1>Address verified</h1>
      <p><strong>{email}</strong> is verified: mail to your aliases can be forwarded to it now.</p>
      <p><a class="button" href={c.var.user ? "/aliases" : "/login"}>{c.var.user ? "Go to your aliases" : "Log in"}</a></p>
    </div>
  ));
}

/** Mounted at {@link VERIFY_PATH} (route-level middleware: the recipients router guards the rest). */
export const recipientVerifyRoutes = new Hono<WebEnv>()
  .get("/", ...webStack, async (c) => {
    const token = c.req.query("token") ?? "";
    const found = await peekRecipientLink(c.var.db, token, nowSeconds(), c.var.config.appSecret);
    if (!found) return invalid(c);
    if (found.verified) return verified(c, found.email);
    return render(c, "Verify your address", (
      <div class="card narrow">
        <h1>Verify your address</h1>
        <p>Receive mail forwarded from {c.var.config.appName} aliases at <strong>{found.email}</strong>?</p>
        <form method="post" action={VERIFY_PATH}>
          <Csrf token={c.var.csrfToken} />
          <input type="hidden" name="token" value={token} />
          <button type="submit">Verify {found.email}</button>
        </form>
        <p class="hint">If you did not ask for this, close this page: nothing will be forwarded to you.</p>
      </div>
    ));
  })
  .post("/", ...webStack, async (c) => {
    const form = await readForm(c, z.object({ token: z.string().min(1).max(2000) }));
    const done = form.ok ? await verifyRecipient(c.var.db, form.data.token, nowSeconds(), c.var.config.appSecret) : null;
    if (!done) return invalid(c);
    if (c.var.user && done.userId === c.var.user.id && c.var.user.email === done.email) c.var.user.emailVerified = true;
    return verified(c, done.email);
  });
recipientVerifyRoutes.onError(webErrorPage);
export { VERIFY_PATH };
