/**
 * `/recipients`: the real mailboxes mail is forwarded to. Add one (a verification mail goes out),
 * resend the verification, make a verified one the default, allow or forbid replying/sending through
 * it, delete it (never the default). Another user's recipient id is 404.
 */
import type { Context } from "hono";
import { z } from "zod";
import {
  addRecipient, deleteRecipient, getRecipient, listRecipients, resendVerification, setDefaultRecipient, setRecipientCanReplySend,
} from "../../../accounts/recipients.js";
import { nowSeconds } from "../../../db-errors.js";
import { setFlash } from "../../cookies.js";
import { type FieldErrors, type FormValues, fieldErrorsFrom, readForm } from "../../forms.js";
import { render } from "../../layout.js";
import { currentUser, requireUser, webRouter } from "../../router.js";
import { mailContext } from "../../session-cookie.js";
import type { WebEnv } from "../../types.js";
import { ActionButton, Csrf, Field, FormError } from "../../ui.js";
import { flashOutcome } from "./outcome.js";

async function page(c: Context<WebEnv>, form: { values?: FormValues; errors?: FieldErrors } = {}) {
  const user = currentUser(c);
  const rows = await listRecipients(c.var.db, user.id, { withAliasCount: true });
  const csrf = c.var.csrfToken;
  const body = (
    <>
      <h1>Recipients</h1>
      <form method="post" action="/recipients" class="card" novalidate>
        <h2>Add a recipient</h2>
        <Csrf token={csrf} />
        <FormError errors={form.errors} />
        <div class="row">
          <Field name="email" label="E-mail address" type="email" value={form.values?.email} errors={form.errors} required autocomplete="email" />
          <button type="submit">Add</button>
        </div>
        <p class="hint">We send it a link; mail is forwarded to it once it is verified.</p>
      </form>
      <section class="card">
        <h2>Your recipients</h2>
        <table class="stack">
          <thead><tr><th scope="col">Address</th><th scope="col">State</th><th scope="col" class="num">Aliases</th><th scope="col">Replies and sends</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            {rows.map(({ recipient: r, aliasCount }) => {
              const isDefault = r.id === user.defaultRecipientId;
              return (
                <tr data-recipient={r.email}>
                  <td data-label="Address"><strong>{r.email}</strong></td>
                  <td data-label="State">
                    {r.emailVerifiedAt ? <span class="badge ok">Verified</span> : <span class="badge off">Not verified</span>}{" "}
                    {isDefault ? <span class="badge">Default</span> : null}
                  </td>
                  <td data-label="Aliases" class="num">{aliasCount ?? 0}</td>
                  <td data-label="Replies and sends">
                    <ActionButton action={`/recipients/${r.id}/can-reply`} csrf={csrf} secondary label={r.canReplySend ? "Allowed: forbid" : "Forbidden: allow"}
                      fields={{ allowed: r.canReplySend ? "0" : "1" }} ariaLabel={`${r.canReplySend ? "Forbid" : "Allow"} replies from ${r.email}`} />
                  </td>
                  <td data-label="Actions">
                    {!r.emailVerifiedAt ? <ActionButton action={`/recipients/${r.id}/resend`} csrf={csrf} secondary label="Resend link" ariaLabel={`Resend the link to ${r.email}`} /> : null}{" "}
                    {r.emailVerifiedAt && !isDefault ? <ActionButton action={`/recipients/${r.id}/default`} csrf={csrf} secondary label="Make default" ariaLabel={`Make ${r.email} the default`} /> : null}{" "}
                    {!isDefault ? <ActionButton action={`/recipients/${r.id}/delete`} csrf={csrf} danger label="Delete" ariaLabel={`Delete ${r.email}`}
                      confirm={`Delete ${r.email}? Its aliases fall back to the default recipient.`} /> : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </>
  );
  return render(c, "Recipients", body, { status: form.errors ? 422 : 200 });
}

/**
 * Login is required per route, not router-wide: `/recipients/verify` (recipient-verify.tsx) lives
 * under this prefix and must work without a session.
 */
export const recipientRoutes = webRouter()
  .get("/", requireUser, (c) => page(c))
  .post("/", requireUser, async (c) => {
    const form = await readForm(c, z.object({ email: z.string().trim().min(1, "Enter an e-mail address.").max(254, "That address is too long.") }));
    if (!form.ok) return page(c, form);
    try {
      const { recipient } = await addRecipient(c.var.db, currentUser(c).id, { email: form.data.email }, nowSeconds(), mailContext(c));
      setFlash(c, { kind: "ok", text: `Added ${recipient.email}: open the link we sent to it.` });
      return c.redirect("/recipients", 303);
    } catch (err) {
      return page(c, { values: form.values, errors: fieldErrorsFrom(err) });
    }
  })
  .post("/:id/resend", requireUser, (c) => flashOutcome(c, "/recipients", async (userId, id) => {
    await resendVerification(c.var.db, userId, id, nowSeconds(), mailContext(c));
    return `We sent the link to ${(await getRecipient(c.var.db, userId, id)).recipient.email} again.`;
  }))
  .post("/:id/default", requireUser, (c) => flashOutcome(c, "/recipients", async (userId, id) =>
    `${(await setDefaultRecipient(c.var.db, userId, id, nowSeconds())).recipient.email} is your default recipient now.`))
  .post("/:id/can-reply", requireUser, (c) => flashOutcome(c, "/recipients", async (userId, id) => {
    const allowed = (await c.req.parseBody()).allowed === "1";
    const { recipient } = await setRecipientCanReplySend(c.var.db, userId, id, allowed, nowSeconds());
    return `${recipient.email} may ${allowed ? "now" : "no longer"} reply and send from your aliases.`;
  }))
  .post("/:id/delete", requireUser, (c) => flashOutcome(c, "/recipients", async (userId, id) => {
    const { recipient } = await getRecipient(c.var.db, userId, id);
    await deleteRecipient(c.var.db, userId, id);
    return `${recipient.email} is deleted.`;
  }));
