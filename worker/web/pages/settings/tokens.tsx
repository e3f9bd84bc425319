/**
 * `/settings/tokens`: API tokens for the addy.io-compatible API. A new token is shown once, on the page
 * that answers its creation (never stored; only its hash is); the list shows names and dates; revoke
 * deletes one. Another user's token id answers 404.
 */
import type { Context } from "hono";
import { z } from "zod";
import { createApiToken, getApiToken, listApiTokens, revokeApiToken } from "../../../accounts/tokens.js";
import { nowSeconds } from "../../../db-errors.js";
import { setFlash } from "../../cookies.js";
import { type FieldErrors, type FormValues, readForm } from "../../forms.js";
import { render } from "../../layout.js";
import { currentUser, userRouter } from "../../router.js";
import type { WebEnv } from "../../types.js";
import { ActionButton, Csrf, Field, FormError, Select, when } from "../../ui.js";
import { SettingsNav } from "./nav.js";

const EXPIRY: Record<string, number | null> = { never: null, day: 86_400, week: 7 * 86_400, month: 30 * 86_400, year: 365 * 86_400 };

const TokenForm = z.object({
  name: z.string().trim().min(1, "Give the token a name, e.g. the app that uses it.").max(100, "At most 100 characters."),
  expiration: z.enum(["never", "day", "week", "month", "year"]),
});

async function page(c: Context<WebEnv>, opts: { created?: { name: string; token: string }; errors?: FieldErrors; values?: FormValues } = {}) {
  const tokens = await listApiTokens(c.var.db, currentUser(c).id);
  const now = Date.now();
  const body = (
    <>
      <h1>API tokens</h1>
      <SettingsNav current="/settings/tokens" />
      {opts.created ? (
        <div class="card" role="status">
          <h2>Your new token “{opts.created.name}”</h2>
          <p>Copy it now: it is shown only this once.</p>
          <p><code data-testid="new-token">{opts.created.token}</code> <button type="button" class="secondary" data-copy={opts.created.token}>Copy</button></p>
          <p class="hint">Use it as <code>Authorization: Bearer …</code> against <code>{c.var.config.appUrl}/api/v1</code>.</p>
        </div>
      ) : null}
      <form method="post" action="/settings/tokens" class="card" novalidate>
        <h2>New token</h2>
        <Csrf token={c.var.csrfToken} />
        <FormError errors={opts.errors} />
        <Field name="name" label="Name" value={opts.values?.name} errors={opts.errors} required maxlength={100} />
        <Select name="expiration" label="Expires" value={opts.values?.expiration ?? "never"} errors={opts.errors}
          options={[["never", "Never"], ["day", "In a day"], ["week", "In a week"], ["month", "In 30 days"], ["year", "In a year"]]} />
        <button type="submit">Create token</button>
      </form>
      <section class="card">
        <h2>Your tokens</h2>
        {tokens.length === 0 ? <p>No tokens yet.</p> : (
          <table class="stack">
            <thead><tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              {tokens.map((t) => (
                <tr>
                  <td data-label="Name">{t.name}</td>
                  <td data-label="Created">{when(t.createdAt)}</td>
                  <td data-label="Last used">{when(t.lastUsedAt)}</td>
                  <td data-label="Expires">{t.expiresAt ? `${when(t.expiresAt)}${t.expiresAt.getTime() < now ? " (expired)" : ""}` : "Never"}</td>
                  <td><ActionButton action={`/settings/tokens/${t.id}/revoke`} csrf={c.var.csrfToken} label="Revoke" danger ariaLabel={`Revoke ${t.name}`}
                    confirm={`Revoke “${t.name}”? Apps using it stop working.`} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
  return render(c, "API tokens", body, { status: opts.errors ? 422 : 200 });
}

export const tokenRoutes = userRouter()
  .get("/", (c) => page(c))
  .post("/", async (c) => {
    const form = await readForm(c, TokenForm);
    if (!form.ok) return page(c, { errors: form.errors, values: form.values });
    const now = nowSeconds();
    const ttl = EXPIRY[form.data.expiration] ?? null;
    const { token } = await createApiToken(c.var.db, { userId: currentUser(c).id, name: form.data.name, expiresAt: ttl ? new Date(now.getTime() + ttl * 1000) : null }, now);
    return page(c, { created: { name: form.data.name, token } });
  })
  .post("/:id/revoke", async (c) => {
    const user = currentUser(c);
    const token = await getApiToken(c.var.db, user.id, c.req.param("id"));
    await revokeApiToken(c.var.db, user.id, token.id);
    setFlash(c, { kind: "ok", text: `Token “${token.name}” revoked.` });
    return c.redirect("/settings/tokens", 303);
  });
