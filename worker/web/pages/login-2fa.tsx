/**
 * `/login/2fa`: the second step of login for accounts with a second factor. Needs the `pending` session
 * the password step made; a TOTP code, a backup code or a passkey turns it into a new `active` session.
 * The passkey challenge is stored on the pending session and used once.
 */
import type { Context } from "hono";
import { z } from "zod";
import { loginOptions, relyingParty, verifyPasskeyLogin } from "../../accounts/passkeys.js";
import { checkSecondFactorCode, secondFactors } from "../../accounts/two-factor.js";
import { setSessionChallenge } from "../../auth/sessions.js";
import { nowSeconds } from "../../db-errors.js";
import { ApiError } from "../../errors.js";
import { WebError } from "../errors.js";
import { type FieldErrors, readForm } from "../forms.js";
import { render } from "../layout.js";
import { safeNext, webRouter } from "../router.js";
import { beginSession } from "../session-cookie.js";
import type { WebEnv } from "../types.js";
import { Csrf, Field, FormError } from "../ui.js";

function pending(c: Context<WebEnv>) {
  const session = c.var.session;
  if (!session || session.stage !== "pending") throw new WebError(401, "Your login took too long or has ended. Please log in again.");
  return session;
}

async function page(c: Context<WebEnv>, errors?: FieldErrors, status?: 401 | 422 | 429) {
  const session = pending(c);
  const { db, config } = c.var;
  const next = safeNext(c.req.query("next"));
  const factors = await secondFactors(db, session.userId);
  let options: string | null = null;
  if (factors.passkeys > 0) {
    const opts = await loginOptions(db, session.userId, relyingParty(config.appUrl, config.appName));
    await setSessionChallenge(db, session.id, opts.challenge);
    options = JSON.stringify(opts);
  }
  const body = (
    <div class="card narrow">
      <h1>Two-factor authentication</h1>
      <FormError errors={errors} />
      {options ? (
        <form method="post" action={`/login/2fa/passkey?next=${encodeURIComponent(next)}`} data-webauthn="login" data-options={options}>
          <Csrf token={c.var.csrfToken} />
          <input type="hidden" name="response" value="" />
          <p>Use one of your passkeys or security keys.</p>
          <button type="submit" data-start hidden>Use a passkey</button>
          <p class="hint" data-status role="status"></p>
          <noscript><p class="hint">Passkeys need JavaScript; use a code below instead.</p></noscript>
        </form>
      ) : null}
      <form method="post" action={`/login/2fa?next=${encodeURIComponent(next)}`} novalidate>
        <Csrf token={c.var.csrfToken} />
        <Field name="code" label={factors.totp ? "Code from your authenticator app, or a backup code" : "Backup code"} errors={errors}
          autocomplete="one-time-code" required maxlength={20} />
        <button type="submit">Continue</button>
      </form>
      <p><a href="/login">Start again</a></p>
    </div>
  );
  return render(c, "Two-factor authentication", body, { status, scripts: options ? ["passkeys"] : [] });
}

async function finish(c: Context<WebEnv>, userId: string) {
  await beginSession(c, userId, "active");
  return c.redirect(safeNext(c.req.query("next")), 303);
}

const rateLimited = (c: Context<WebEnv>, err: unknown) => {
  if (!(err instanceof ApiError) || err.code !== "RATE_LIMITED") throw err;
  return page(c, { form: err.message }, 429);
};

export const login2faRoutes = webRouter()
  .get("/", (c) => page(c))
  .post("/", async (c) => {
    const session = pending(c);
    const form = await readForm(c, z.object({ code: z.string().trim().min(1, "Enter a code.").max(40) }));
    if (!form.ok) return page(c, form.errors, 422);
    try {
      const ok = await checkSecondFactorCode(c.var.db, session.userId, form.data.code, c.var.config.appSecret, nowSeconds());
      return ok ? await finish(c, session.userId) : await page(c, { code: "That code is not right, or was already used." }, 401);
    } catch (err) {
      return rateLimited(c, err);
    }
  })
  .post("/passkey", async (c) => {
    const session = pending(c);
    const form = await readForm(c, z.object({ response: z.string().min(2).max(20_000) }));
    const challenge = session.challenge;
    if (!form.ok || !challenge) return page(c, { form: "The passkey answer was missing. Try again." }, 422);
    const { db, config } = c.var;
    await setSessionChallenge(db, session.id, null);
    const ok = await verifyPasskeyLogin(db, session.userId, { response: form.data.response, expectedChallenge: challenge }, relyingParty(config.appUrl, config.appName), nowSeconds());
    return ok ? finish(c, session.userId) : page(c, { form: "That passkey could not be verified. Try again or use a code." }, 401);
  });
