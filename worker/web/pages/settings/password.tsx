/** `GET/POST /settings/password`: change the password (the current one first); other sessions end. */
import type { Context } from "hono";
import { z } from "zod";
import { PASSWORD_RULE, changePassword } from "../../../accounts/passwords.js";
import { nowSeconds } from "../../../db-errors.js";
import { setFlash } from "../../cookies.js";
import { type FieldErrors, fieldErrorsFrom, readForm } from "../../forms.js";
import { render } from "../../layout.js";
import { currentUser, userRouter } from "../../router.js";
import type { WebEnv } from "../../types.js";
import { Csrf, Field, FormError } from "../../ui.js";
import { SettingsNav } from "./nav.js";

const ChangeForm = z.object({
  current_password: z.string().min(1, "Enter your current password.").max(PASSWORD_RULE.max),
  password: z.string().min(PASSWORD_RULE.min, `At least ${PASSWORD_RULE.min} characters.`).max(PASSWORD_RULE.max, `At most ${PASSWORD_RULE.max} characters.`),
  password_confirmation: z.string(),
}).refine((f) => f.password === f.password_confirmation, { path: ["password_confirmation"], message: "The two passwords differ." });

const page = (c: Context<WebEnv>, errors?: FieldErrors) => render(c, "Change password", (
  <>
    <h1>Change password</h1>
    <SettingsNav current="/settings/password" />
    <form method="post" action="/settings/password" class="card narrow" novalidate>
      <Csrf token={c.var.csrfToken} />
      <FormError errors={errors} />
      <Field name="current_password" label="Current password" type="password" errors={errors} required autocomplete="current-password" />
      <Field name="password" label="New password" type="password" errors={errors} required autocomplete="new-password" hint={`At least ${PASSWORD_RULE.min} characters.`} />
      <Field name="password_confirmation" label="New password again" type="password" errors={errors} required autocomplete="new-password" />
      <p class="hint">Your other sessions (other browsers and devices) are logged out.</p>
      <button type="submit">Change password</button>
    </form>
  </>
), { status: errors ? 422 : 200 });

export const passwordSettingsRoutes = userRouter()
  .get("/", (c) => page(c))
  .post("/", async (c) => {
    const form = await readForm(c, ChangeForm);
    if (!form.ok) return page(c, form.errors);
    try {
      await changePassword(c.var.db, currentUser(c).id, { current: form.data.current_password, next: form.data.password }, c.var.session?.id ?? null, nowSeconds());
    } catch (err) {
      return page(c, fieldErrorsFrom(err));
    }
    setFlash(c, { kind: "ok", text: "Password changed. Your other sessions are logged out." });
    return c.redirect("/settings/password", 303);
  });
