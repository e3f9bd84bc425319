/**
 * `GET /recipients/verify?token=…`: the link in a recipient's verification mail. It needs no login:
 * the signed token names the recipient and its address (worker/accounts/recipients.ts).
 */
import { Hono } from "hono";
import { VERIFY_PATH, verifyRecipient } from "../../accounts/recipients.js";
import { nowSeconds } from "../../db-errors.js";
import { webErrorPage } from "../errors.js";
import { render } from "../layout.js";
import { webStack } from "../middleware.js";
import type { WebEnv } from "../types.js";

/** Mounted at {@link VERIFY_PATH} (route-level middleware: the recipients router guards the rest). */
export const recipientVerifyRoutes = new Hono<WebEnv>().get("/", ...webStack, async (c) => {
  const done = await verifyRecipient(c.var.db, c.req.query("token") ?? "", nowSeconds(), c.var.config.appSecret);
  if (c.var.user && done?.userId === c.var.user.id && c.var.user.email === done.email) c.var.user.emailVerified = true;
  const body = done ? (
    <div class="card narrow">
      <h1>Address verified</h1>
      <p><strong>{done.email}</strong> is verified: mail to your aliases can be forwarded to it now.</p>
      <p><a class="button" href={c.var.user ? "/aliases" : "/login"}>{c.var.user ? "Go to your aliases" : "Log in"}</a></p>
    </div>
  ) : (
    <div class="card narrow">
      <h1>Link not valid</h1>
      <p>This verification link has expired or is for an address that changed. Log in and send a new one from Recipients.</p>
    </div>
  );
  return render(c, done ? "Address verified" : "Link not valid", body, { status: done ? 200 : 400 });
});
recipientVerifyRoutes.onError(webErrorPage);
export { VERIFY_PATH };
