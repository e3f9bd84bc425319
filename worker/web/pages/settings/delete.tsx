/**
 * `GET/POST /settings/delete`: delete the account after typing the password (worker/accounts/
 * delete-account.ts says what is kept so addresses are never issued again).
 */
import type { Context } from "hono";
import { z } from "zod";
import { deleteAccount } from "../../../accounts/delete-account.js";
import { nowSeconds } from "../../../db-errors.js";
import { SESSION_COOKIE, dropCookie, setFlash } from "../../cookies.js";
import { type FieldErrors, fieldErrorsFrom, readForm } from "../../forms.js";
import { render } from "../../layout.js";
import { currentUser, userRouter } from "../../router.js";
import type { WebEnv } from "../../types.js";
import { Csrf, Field, FormError } from "../../ui.js";
import { SettingsNav } from "./nav.js";

const page = (c: Context<WebEnv>, errors?: FieldErrors) => render(c, "Delete account", (
  <>
    <h1>Delete your account</h1>
    <SettingsNav current="/settings/delete" />
    <form method="post" action="/settings/delete" class="card narrow" novalidate data-confirm="Delete your account for good?">
      <Csrf token={c.var.csrfToken} />
      <FormError errors={errors} />
      <p>This cannot be undone. Your recipients, custom domains, tokens and settings are deleted. Your aliases on shared domains stop
        working and are kept only so that nobody can ever get the same addresses; your usernames can never be registered again.</p>
      <Field name="password" label="Your password" type="password" errors={errors} required autocomplete="current-password" />
      <button type="submit" class="danger">Delete my account</button>
    </form>
  </>
), { status: errors ? 422 : 200 });

export const deleteAccountRoutes = userRouter()
  .get("/", (c) => page(c))
  .post("/", async (c) => {
    const form = await readForm(c, z.object({ password: z.string().min(1, "Enter your password.").max(200) }));
    if (!form.ok) return page(c, form.errors);
    try {
      await deleteAccount(c.var.db, currentUser(c).id, form.data.password, nowSeconds());
    } catch (err) {
      return page(c, fieldErrorsFrom(err));
    }
    dropCookie(c, SESSION_COOKIE);
    setFlash(c, { kind: "ok", text: "Your account is deleted. Goodbye." });
    return c.redirect("/", 303);
  });
