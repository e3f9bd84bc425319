/**
 * `/aliases/:id`: one alias: its counters, description, from name and recipients (edit), and the
 * switches posted from the list (active, delete, restore, forget). Every route looks the alias up
 * with the signed-in user's id, so another user's alias is 404 like a missing one.
 */
import type { Context } from "hono";
import { z } from "zod";
import { deleteAlias, forgetAlias, restoreAlias, setAliasActive, setAliasRecipients } from "../../../accounts/alias-state.js";
import { getAlias, updateAlias } from "../../../accounts/aliases.js";
import { listRecipients } from "../../../accounts/recipients.js";
import { nowSeconds } from "../../../db-errors.js";
import { displayNameSchema } from "../../../domain/display-name.js";
import { setFlash } from "../../cookies.js";
import { flashOutcome } from "../things/outcome.js";
import { type FieldErrors, type FormValues, fieldErrorsFrom, listField, readForm } from "../../forms.js";
import { render } from "../../layout.js";
import { currentUser, userRouter } from "../../router.js";
import type { WebEnv } from "../../types.js";
import { Csrf, Field, FormError, when } from "../../ui.js";
import { createAliasFromForm, aliasesPage } from "./list.js";
import { backTo } from "./query.js";
import { lastUsed } from "./row.js";

const EditForm = z.object({
  description: z.string().trim().max(200, "At most 200 characters."),
  from_name: displayNameSchema(),
  recipient_ids: listField(z.string().max(36), 10, "At most 10 recipients."),
});

async function editPage(c: Context<WebEnv>, id: string, form: { values?: FormValues; errors?: FieldErrors } = {}) {
  const user = currentUser(c);
  const [item, recipients] = await Promise.all([getAlias(c.var.db, user.id, id), listRecipients(c.var.db, user.id, { verified: true })]);
  const a = item.alias;
  const attached = new Set(form.values ? (form.values.recipient_ids ?? "").split(",") : item.recipients.map((r) => r.id));
  const figures: [string, string | number][] = [
    ["Forwarded", a.emailsForwarded], ["Blocked", a.emailsBlocked], ["Replied", a.emailsReplied], ["Sent", a.emailsSent],
    ["Last used", when(lastUsed(a))], ["Created", when(a.createdAt)],
  ];
  const body = (
    <>
      <h1>{a.email}</h1>
      <p><a href="/aliases">Back to all aliases</a></p>
      <dl class="card grid">{figures.map(([k, v]) => <div><dt class="muted">{k}</dt><dd><strong>{String(v)}</strong></dd></div>)}</dl>
      <form method="post" action={`/aliases/${a.id}`} class="card" novalidate>
        <Csrf token={c.var.csrfToken} />
        <FormError errors={form.errors} />
        <Field name="description" label="Description" value={form.values?.description ?? a.description} errors={form.errors} maxlength={200} />
        <Field name="from_name" label="From name for replies and sends" value={form.values?.from_name ?? a.fromName} errors={form.errors} maxlength={50}
          hint="Empty: your username's, domain's or account's from name." />
        <fieldset>
          <legend>Forward to (none ticked: the default recipient)</legend>
          {recipients.map(({ recipient: r }) => (
            <div class="check">
              <input type="checkbox" id={`r-${r.id}`} name="recipient_ids" value={r.id} checked={attached.has(r.id)} />
              <label for={`r-${r.id}`}>{r.email}</label>
            </div>
          ))}
          {form.errors?.recipient_ids ? <p class="error">{form.errors.recipient_ids}</p> : null}
        </fieldset>
        <button type="submit">Save</button>
      </form>
    </>
  );
  return render(c, a.email, body, { status: form.errors ? 422 : 200 });
}

/** Runs a switch, then goes back to the list page it was posted from (its `back` field), with a message. */
async function act(c: Context<WebEnv>, run: (userId: string, id: string) => Promise<string>) {
  return flashOutcome(c, backTo((await c.req.parseBody()).back), run);
}

export const aliasRoutes = userRouter()
  .get("/", (c) => aliasesPage(c))
  .post("/", (c) => createAliasFromForm(c))
  .get("/:id", (c) => editPage(c, c.req.param("id")))
  .post("/:id", async (c) => {
    const user = currentUser(c);
    const id = c.req.param("id");
    await getAlias(c.var.db, user.id, id);
    const form = await readForm(c, EditForm);
    if (!form.ok) return editPage(c, id, form);
    const now = nowSeconds();
    try {
      await setAliasRecipients(c.var.db, user.id, id, form.data.recipient_ids, now);
      const saved = await updateAlias(c.var.db, user.id, id, { description: form.data.description || null, fromName: form.data.from_name || null }, now);
      setFlash(c, { kind: "ok", text: `Saved ${saved.alias.email}.` });
    } catch (err) {
      return editPage(c, id, { values: form.values, errors: fieldErrorsFrom(err) });
    }
    return c.redirect(`/aliases/${id}`, 303);
  })
  .post("/:id/active", (c) => act(c, async (userId, id) => {
    const on = (await c.req.parseBody()).active === "1";
    const { alias } = await setAliasActive(c.var.db, userId, id, on, nowSeconds());
    return `${alias.email} is ${on ? "on" : "off"}.`;
  }))
  .post("/:id/delete", (c) => act(c, async (userId, id) => {
    const { alias } = await getAlias(c.var.db, userId, id);
    await deleteAlias(c.var.db, userId, id, nowSeconds());
    return `${alias.email} is deleted. You can restore it from the Deleted list.`;
  }))
  .post("/:id/restore", (c) => act(c, async (userId, id) => `${(await restoreAlias(c.var.db, userId, id, nowSeconds())).alias.email} is restored.`))
  .post("/:id/forget", (c) => act(c, async (userId, id) => {
    const { alias } = await getAlias(c.var.db, userId, id);
    await forgetAlias(c.var.db, userId, id, nowSeconds());
    return `${alias.email} is forgotten.`;
  }));
