/**
 * `/domains`: custom domains. Add one, then its page (`/domains/:id`) lists the exact DNS records to
 * publish; "Check now" looks them up over DNS-over-HTTPS (worker/accounts/domain-dns.ts) and shows
 * each record's status; once ownership and both MX records are right, the domain receives mail. Also
 * on/off, catch-all, default recipient, delete. Another user's domain id is 404.
 */
import type { Context } from "hono";
import { z } from "zod";
import { createDomain, deleteDomain, getDomain, listDomains, setDomainDefaultRecipient, setDomainFlag } from "../../../accounts/custom-domains.js";
import { type RecordCheck, checkDomainDns, expectedRecords } from "../../../accounts/domain-dns.js";
import { CLAIM_TTL_HOURS } from "../../../accounts/domain-claims.js";
import { listRecipients } from "../../../accounts/recipients.js";
import { nowSeconds } from "../../../db-errors.js";
import { setFlash } from "../../cookies.js";
import { type FieldErrors, type FormValues, fieldErrorsFrom, readForm } from "../../forms.js";
import { render } from "../../layout.js";
import { currentUser, userRouter } from "../../router.js";
import type { WebEnv } from "../../types.js";
import { ActionButton, Csrf, Field, FormError } from "../../ui.js";
import { DefaultRecipientForm } from "./default-recipient.js";
import { flashOutcome } from "./outcome.js";

const STATUS_TEXT: Record<RecordCheck["status"], string> = { ok: "Found", missing: "Missing", wrong: "Different value", error: "Could not check" };

async function listPage(c: Context<WebEnv>, form: { values?: FormValues; errors?: FieldErrors } = {}) {
  const rows = await listDomains(c.var.db, currentUser(c).id);
  const body = (
    <>
      <h1>Custom domains</h1>
      <form method="post" action="/domains" class="card" novalidate>
        <h2>Add a domain</h2>
        <Csrf token={c.var.csrfToken} />
        <FormError errors={form.errors} />
        <div class="row">
          <Field name="domain" label="Domain name" value={form.values?.domain} errors={form.errors} required placeholder="example.com" />
          <button type="submit">Add</button>
        </div>
      </form>
      <section class="card">
        <h2>Your domains</h2>
        {rows.length === 0 ? <p>None yet.</p> : (
          <table class="stack">
            <thead><tr><th scope="col">Domain</th><th scope="col">State</th><th scope="col" class="num">Aliases</th></tr></thead>
            <tbody>{rows.map(({ domain: d, aliasCount }) => (
              <tr data-domain={d.domain}>
                <td data-label="Domain"><a href={`/domains/${d.id}`}>{d.domain}</a></td>
                <td data-label="State">{d.verifiedAt ? <span class="badge ok">Verified</span> : <span class="badge off">Not verified</span>} {d.active ? null : <span class="badge off">Off</span>}</td>
                <td data-label="Aliases" class="num">{aliasCount}</td>
              </tr>
            ))}</tbody>
          </table>
        )}
      </section>
    </>
  );
  return render(c, "Custom domains", body, { status: form.errors ? 422 : 200 });
}

async function domainPage(c: Context<WebEnv>, id: string, checks?: RecordCheck[], taken = false) {
  const user = currentUser(c);
  const { db, config } = c.var;
  const [{ domain: d, aliasCount }, recipients] = await Promise.all([getDomain(db, user.id, id), listRecipients(db, user.id, { verified: true })]);
  const records = checks ?? expectedRecords(d.domain, d.verificationToken ?? "", config.mailDns).map((r) => ({ ...r, status: undefined, found: [] as string[] }));
  const csrf = c.var.csrfToken;
  const body = (
    <>
      <h1>{d.domain}</h1>
      <p><a href="/domains">All domains</a> · {d.verifiedAt ? <span class="badge ok">Verified: receiving mail</span> : <span class="badge off">Not verified yet</span>} · {aliasCount} aliases</p>
      {taken ? <p class="flash error" role="alert">Another account verified {d.domain} first: it receives that domain's mail now. This claim cannot be verified any more; delete it.</p> : null}
      {d.verifiedAt ? null : <p class="hint">Until its records check out, this domain is only your claim: it receives nothing, other accounts may claim it too (the first to verify gets it),
        and it is removed {CLAIM_TTL_HOURS} hours after you added it.</p>}
      <section class="card" aria-labelledby="dns">
        <h2 id="dns">DNS records to publish</h2>
        <p>Add these at your DNS provider, then check. Ownership and both MX records make the domain receive mail; SPF, DKIM and DMARC let
          replies from your aliases reach their destination.</p>
        <table class="stack" data-testid="records">
          <thead><tr><th scope="col">Type</th><th scope="col">Host</th><th scope="col">Value</th>{checks ? <th scope="col">Status</th> : null}</tr></thead>
          <tbody>{records.map((r) => (
            <tr data-purpose={r.purpose} data-status={r.status}>
              <td data-label="Type">{r.type}</td>
              <td data-label="Host"><code>{r.host}</code></td>
              <td data-label="Value"><code>{r.value}</code> <button type="button" class="link" data-copy={r.value} aria-label={`Copy the ${r.purpose} value`}>Copy</button></td>
              {r.status ? (
                <td data-label="Status">
                  <span class={`badge ${r.status === "ok" ? "ok" : "off"}`}>{STATUS_TEXT[r.status]}</span>
                  {r.status !== "ok" && r.found.length ? <div class="hint">Found: {r.found.join(" | ")}</div> : null}
                </td>
              ) : null}
            </tr>
          ))}</tbody>
        </table>
        <form method="post" action={`/domains/${d.id}/check`}>
          <Csrf token={csrf} />
          <button type="submit">Check now</button>
        </form>
      </section>
      <section class="card">
        <h2>Settings</h2>
        <p>
          <ActionButton action={`/domains/${d.id}/active`} csrf={csrf} secondary label={d.active ? "Turn off" : "Turn on"} fields={{ on: d.active ? "0" : "1" }} ariaLabel={`${d.active ? "Turn off" : "Turn on"} ${d.domain}`} />{" "}
          <ActionButton action={`/domains/${d.id}/catch-all`} csrf={csrf} secondary label={d.catchAll ? "Catch-all on: turn off" : "Catch-all off: turn on"} fields={{ on: d.catchAll ? "0" : "1" }} ariaLabel={`Catch-all of ${d.domain}`} />{" "}
          <ActionButton action={`/domains/${d.id}/delete`} csrf={csrf} danger label="Delete" ariaLabel={`Delete ${d.domain}`} confirm={`Delete ${d.domain} and all its aliases?`} />
        </p>
        <DefaultRecipientForm action={`/domains/${d.id}/default-recipient`} csrf={csrf} current={d.defaultRecipientId} recipients={recipients} id={d.id} />
      </section>
    </>
  );
  return render(c, d.domain, body);
}

const flag = (c: Context<WebEnv>, name: "active" | "catchAll", label: string) => flashOutcome(c, `/domains/${c.req.param("id")}`, async (userId, id) => {
  const on = (await c.req.parseBody()).on === "1";
  return `${label} of ${(await setDomainFlag(c.var.db, userId, id, name, on, nowSeconds())).domain.domain} is ${on ? "on" : "off"}.`;
});

export const domainRoutes = userRouter()
  .get("/", (c) => listPage(c))
  .post("/", async (c) => {
    const form = await readForm(c, z.object({ domain: z.string().trim().min(1, "Enter a domain name.").max(253) }));
    if (!form.ok) return listPage(c, form);
    try {
      const { domain } = await createDomain(c.var.db, currentUser(c).id, { domain: form.data.domain }, nowSeconds());
      setFlash(c, { kind: "ok", text: `Added ${domain.domain}. Publish the records below, then check.` });
      return c.redirect(`/domains/${domain.id}`, 303);
    } catch (err) {
      return listPage(c, { values: form.values, errors: fieldErrorsFrom(err) });
    }
  })
  .get("/:id", (c) => domainPage(c, c.req.param("id")))
  .post("/:id/check", async (c) => {
    const id = c.req.param("id");
    const { checks, taken } = await checkDomainDns(c.var.db, currentUser(c).id, id, c.var.config, nowSeconds());
    return domainPage(c, id, checks, taken);
  })
  .post("/:id/active", (c) => flag(c, "active", "Receiving"))
  .post("/:id/catch-all", (c) => flag(c, "catchAll", "Catch-all"))
  .post("/:id/default-recipient", (c) => flashOutcome(c, `/domains/${c.req.param("id")}`, async (userId, id) => {
    const recipient = String((await c.req.parseBody()).recipient_id ?? "");
    const view = await setDomainDefaultRecipient(c.var.db, userId, id, recipient || null, nowSeconds());
    return `${view.domain.domain} forwards to ${view.defaultRecipient?.email ?? "your default recipient"}.`;
  }))
  .post("/:id/delete", (c) => flashOutcome(c, "/domains", async (userId, id) => {
    const { domain } = await getDomain(c.var.db, userId, id);
    await deleteDomain(c.var.db, userId, id);
    return `${domain.domain} is deleted.`;
  }));
