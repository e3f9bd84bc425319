/**
 * `GET/POST /login` (username or e-mail + password) and `POST /logout`. A correct password for an
 * account with a second factor starts a `pending` session and continues at `/login/2fa`; otherwise the
 * session is `active` at once. Every login makes a new session (rotation). Attempts are limited per IP
 * and per login as typed (worker/accounts/login.ts, which also says which accounts an e-mail names:
 * only verified ones): the form then says how long to wait, with 429.
 */
import type { Context } from "hono";
import { z } from "zod";
import { checkLogin } from "../../accounts/login.js";
import { needsSecondFactor } from "../../accounts/two-factor.js";
import { nowSeconds } from "../../db-errors.js";
import { ApiError } from "../../errors.js";
import { setFlash } from "../cookies.js";
import { type FieldErrors, type FormValues, readForm } from "../forms.js";
import { render } from "../layout.js";
import { clientIp, safeNext, webRouter } from "../router.js";
import { beginSession, endSession } from "../session-cookie.js";
import type { WebEnv } from "../types.js";
import { Csrf, Field, FormError } from "../ui.js";

const LoginForm = z.object({
  login: z.string().trim().min(1, "Enter your username or e-mail address.").max(254),
  password: z.string().min(1, "Enter your password.").max(200),
  next: z.string().optional(),
});

function LoginPage({ csrf, values = {}, errors }: { csrf: string; values?: FormValues; errors?: FieldErrors }) {
  return (
    <div class="card narrow">
      <h1>Log in</h1>
      <FormError errors={errors} />
      <form method="post" action="/login" novalidate>
        <Csrf token={csrf} />
        <input type="hidden" name="next" value={safeNext(values.next)} />
        <Field name="login" label="Username or e-mail" value={values.login} errors={errors} required autocomplete="username" />
        <Field name="password" label="Password" type="password" errors={errors} required autocomplete="current-password" />
        <button type="submit">Log in</button>
      </form>
      <p><a href="/password/forgot">Forgot your password?</a> · <a href="/signup">Create an account</a></p>
    </div>
  );
}

const page = (c: Context<WebEnv>, values: FormValues, errors?: FieldErrors, status?: 401 | 422 | 429) =>
  render(c, "Log in", <LoginPage csrf={c.var.csrfToken} values={values} errors={errors} />, { status });

export const loginRoutes = webRouter()
  .get("/", (c) => (c.var.user ? c.redirect(safeNext(c.req.query("next")), 303) : page(c, { next: c.req.query("next") ?? "" })))
  .post("/", async (c) => {
    const form = await readForm(c, LoginForm);
    if (!form.ok) return page(c, form.values, form.errors, 422);
    const { db, config } = c.var;
    const now = nowSeconds();
    let userId: string | null;
    try {
      userId = await checkLogin(db, { login: form.data.login, password: form.data.password, ip: clientIp(c) }, config.loginLimits, now);
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== "RATE_LIMITED") throw err;
      for (const [k, v] of Object.entries(err.details.headers ?? {})) c.header(k, v);
      return page(c, form.values, { form: err.message }, 429);
    }
    if (!userId) return page(c, form.values, { form: "That username or e-mail and password do not match an account." }, 401);
    const next = safeNext(form.data.next);
    if (await needsSecondFactor(db, userId)) {
      await beginSession(c, userId, "pending");
      return c.redirect(`/login/2fa?next=${encodeURIComponent(next)}`, 303);
    }
    await beginSession(c, userId, "active");
    return c.redirect(next, 303);
  });

export const logoutRoutes = webRouter().post("/", async (c) => {
  await endSession(c);
  setFlash(c, { kind: "ok", text: "You are logged out." });
  return c.redirect("/", 303);
});
