/**
 * `/password/forgot` (ask for a reset link) and `/password/reset` (set a new password with it). The
 * forgot form answers the same page, in the same time, whether or not an account matched: the lookup
 * and the mail run after the answer (waitUntil), so it cannot be used to find accounts. An address
 * names only accounts that verified it (../../accounts/login.ts); links are limited to 3 per account and
 * 10 requests per IP per hour.
 */
import { z } from "zod";
import { PASSWORD_RULE, checkResetToken, requestPasswordResets, resetPassword } from "../../accounts/passwords.js";
import { runAfterResponse } from "../../background.js";
import { nowSeconds } from "../../db-errors.js";
import { setFlash } from "../cookies.js";
import { type FieldErrors, readForm } from "../forms.js";
import { render } from "../layout.js";
import { clientIp, webRouter } from "../router.js";
import { mailContext } from "../session-cookie.js";
import { Csrf, Field, FormError } from "../ui.js";

const NewPassword = z.object({
  token: z.string().min(1).max(2000),
  password: z.string().min(PASSWORD_RULE.min, `At least ${PASSWORD_RULE.min} characters.`).max(PASSWORD_RULE.max),
  password_confirmation: z.string(),
}).refine((f) => f.password === f.password_confirmation, { path: ["password_confirmation"], message: "The two passwords differ." });

function ForgotPage({ csrf, errors, sent }: { csrf: string; errors?: FieldErrors; sent?: boolean }) {
  return (
    <div class="card narrow">
      <h1>Reset your password</h1>
      {sent ? <p class="flash ok" role="status">If that matches an account, we sent a link to its e-mail address. It works for one hour.</p> : null}
      <FormError errors={errors} />
      <form method="post" action="/password/forgot" novalidate>
        <Csrf token={csrf} />
        <Field name="login" label="Username or e-mail" errors={errors} required autocomplete="username" />
        <button type="submit">Send me a link</button>
      </form>
    </div>
  );
}

function ResetPage({ csrf, token, errors }: { csrf: string; token: string; errors?: FieldErrors }) {
  return (
    <div class="card narrow">
      <h1>Choose a new password</h1>
      <FormError errors={errors} />
      <form method="post" action="/password/reset" novalidate>
        <Csrf token={csrf} />
        <input type="hidden" name="token" value={token} />
        <Field name="password" label="New password" type="password" errors={errors} required autocomplete="new-password" hint={`At least ${PASSWORD_RULE.min} characters.`} />
        <Field name="password_confirmation" label="New password again" type="password" errors={errors} required autocomplete="new-password" />
        <button type="submit">Set password</button>
      </form>
    </div>
  );
}

const expired = "This link is not valid any more: it expired or was already used. Ask for a new one.";

export const passwordRoutes = webRouter()
  .get("/forgot", (c) => render(c, "Reset your password", <ForgotPage csrf={c.var.csrfToken} />))
  .post("/forgot", async (c) => {
    const form = await readForm(c, z.object({ login: z.string().trim().min(1, "Enter your username or e-mail address.").max(254) }));
    if (!form.ok) return render(c, "Reset your password", <ForgotPage csrf={c.var.csrfToken} errors={form.errors} />, { status: 422 });
    // Looked up and mailed after the answer: known and unknown logins get the same page in the same time.
    runAfterResponse(c, requestPasswordResets(c.var.db, form.data.login, clientIp(c), nowSeconds(), mailContext(c)), "password reset request");
    return render(c, "Reset your password", <ForgotPage csrf={c.var.csrfToken} sent />);
  })
  .get("/reset", async (c) => {
    const token = c.req.query("token") ?? "";
    const valid = await checkResetToken(c.var.db, token, nowSeconds(), c.var.config.appSecret);
    if (!valid) return render(c, "Reset your password", <ForgotPage csrf={c.var.csrfToken} errors={{ form: expired }} />, { status: 400 });
    return render(c, "Choose a new password", <ResetPage csrf={c.var.csrfToken} token={token} />);
  })
  .post("/reset", async (c) => {
    const form = await readForm(c, NewPassword);
    const token = form.values.token ?? "";
    if (!form.ok) return render(c, "Choose a new password", <ResetPage csrf={c.var.csrfToken} token={token} errors={form.errors} />, { status: 422 });
    const userId = await resetPassword(c.var.db, form.data.token, form.data.password, nowSeconds(), c.var.config.appSecret);
    if (!userId) return render(c, "Reset your password", <ForgotPage csrf={c.var.csrfToken} errors={{ form: expired }} />, { status: 400 });
    setFlash(c, { kind: "ok", text: "Your password is changed. Log in with it now." });
    return c.redirect("/login", 303);
  });
