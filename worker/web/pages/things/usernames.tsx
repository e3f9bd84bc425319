/**
 * `/usernames`: each username serves `anything@<username>.<shared domain>`. Add more, switch one on or
 * off, its catch-all (off: only aliases that exist already receive mail), its default recipient, and
 * delete it (never the default one; a deleted username is never issued again). Another user's id is 404.
 */
import type { Context } from "hono";
import { z } from "zod";
import { domainOptions } from "../../../accounts/domains.js";
import { listRecipients } from "../../../accounts/recipients.js";
import { addUsername, deleteUsername, getUsername, listUsernames, setUsernameDefaultRecipient, setUsernameFlag } from "../../../accounts/usernames.js";
import { nowSeconds } from "../../../db-errors.js";
import { serviceHostLabels } from "../../../domain/username.js";
import { setFlash } from "../../cookies.js";
import { type FieldErrors, type FormValues, fieldErrorsFrom, readForm } from "../../forms.js";
import { render } from "../../layout.js";
import { currentUser, userRouter } from "../../router.js";
import type { WebEnv } from "../../types.js";
import { ActionButton, Csrf, Field, FormError } from "../../ui.js";
import { DefaultRecipientForm } from "./default-recipient.js";
import { flashOutcome } from "./outcome.js";

async function page(c: Context<WebEnv>, form: { values?: FormValues; errors?: FieldErrors } = {}) {
  const user = currentUser(c);
  const { db } = c.var;
  const [names, options, recipients] = await Promise.all([listUsernames(db, user.id), domainOptions(db, user.id), listRecipients(db, user.id, { verified: true })]);
  const csrf = c.var.csrfToken;
  const body = (
    <>
      <h1>Usernames</h1>
      <form method="post" action="/usernames" class="card" novalidate>
        <h2>Add a username</h2>
        <Csrf token={csrf} />
        <FormError errors={form.errors} />
        <div class="row">
          <Field name="username" label="Username" value={form.values?.username} errors={form.errors} required maxlength={20} hint="1 to 20 letters or digits; it can never be used by anyone else." />
          <Field name="description" label="Description (optional)" value={form.values?.description} errors={form.errors} maxlength={200} />
          <button type="submit">Add</button>
        </div>
      </form>
      {names.map(({ username: u, aliasCount }) => {
        const domains = options.filter((o) => o.usernameId === u.id).map((o) => o.domain);
        const isDefault = u.username === user.username;
        return (
          <section class="card" data-username={u.username} aria-labelledby={`u-${u.id}`}>
            <h2 id={`u-${u.id}`}>{u.username} {u.active ? <span class="badge ok">Active</span> : <span class="badge off">Off</span>}</h2>
            {u.description ? <p class="muted">{u.description}</p> : null}
            <p>Receives mail for {domains.length ? domains.map((d, i) => <>{i ? ", " : ""}<code>*@{d}</code></>) : "no domain (it is off)"}; {aliasCount} aliases.</p>
            <p>
              <ActionButton action={`/usernames/${u.id}/active`} csrf={csrf} secondary label={u.active ? "Turn off" : "Turn on"} fields={{ on: u.active ? "0" : "1" }} ariaLabel={`${u.active ? "Turn off" : "Turn on"} ${u.username}`} />{" "}
              <ActionButton action={`/usernames/${u.id}/catch-all`} csrf={csrf} secondary label={u.catchAll ? "Catch-all on: turn off" : "Catch-all off: turn on"} fields={{ on: u.catchAll ? "0" : "1" }} ariaLabel={`Catch-all of ${u.username}`} />{" "}
              {isDefault ? null : <ActionButton action={`/usernames/${u.id}/delete`} csrf={csrf} danger label="Delete" ariaLabel={`Delete ${u.username}`}
                confirm={`Delete ${u.username}? Its aliases stop working and the name can never be used again.`} />}
            </p>
            <DefaultRecipientForm action={`/usernames/${u.id}/default-recipient`} csrf={csrf} current={u.defaultRecipientId} recipients={recipients} id={u.id} />
          </section>
        );
      })}
    </>
  );
  return render(c, "Usernames", body, { status: form.errors ? 422 : 200 });
}

export const usernameRoutes = userRouter()
  .get("/", (c) => page(c))
  .post("/", async (c) => {
    const form = await readForm(c, z.object({ username: z.string().trim().min(1, "Choose a username.").max(64), description: z.string().trim().max(200).optional() }));
    if (!form.ok) return page(c, form);
    try {
      const { username } = await addUsername(c.var.db, currentUser(c).id, { username: form.data.username, description: form.data.description || null }, nowSeconds(),
        serviceHostLabels(c.var.config.mailDns, c.var.config.appUrl));
      setFlash(c, { kind: "ok", text: `Added ${username.username}.` });
      return c.redirect("/usernames", 303);
    } catch (err) {
      return page(c, { values: form.values, errors: fieldErrorsFrom(err) });
    }
  })
  .post("/:id/active", (c) => flashOutcome(c, "/usernames", async (userId, id) => {
    const on = (await c.req.parseBody()).on === "1";
    return `${(await setUsernameFlag(c.var.db, userId, id, "active", on, nowSeconds())).username.username} is ${on ? "on" : "off"}.`;
  }))
  .post("/:id/catch-all", (c) => flashOutcome(c, "/usernames", async (userId, id) => {
    const on = (await c.req.parseBody()).on === "1";
    return `Catch-all of ${(await setUsernameFlag(c.var.db, userId, id, "catchAll", on, nowSeconds())).username.username} is ${on ? "on" : "off"}.`;
  }))
  .post("/:id/default-recipient", (c) => flashOutcome(c, "/usernames", async (userId, id) => {
    const recipient = String((await c.req.parseBody()).recipient_id ?? "");
    const view = await setUsernameDefaultRecipient(c.var.db, userId, id, recipient || null, nowSeconds());
    return `${view.username.username} forwards to ${view.defaultRecipient?.email ?? "your default recipient"}.`;
  }))
  .post("/:id/delete", (c) => flashOutcome(c, "/usernames", async (userId, id) => {
    const { username } = await getUsername(c.var.db, userId, id);
    await deleteUsername(c.var.db, userId, id, nowSeconds());
    return `${username.username} is deleted.`;
  }));
