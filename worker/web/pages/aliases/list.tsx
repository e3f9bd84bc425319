/**
 * `GET /aliases`: search (address and description), filter (active / inactive / deleted), sort
 * (created, last used, forwarded count) and pages, all done by the database (alias-list.ts), plus the
 * new-alias form. `POST /aliases` creates one (domain picker with the user's domain options; formats
 * random characters, random words, names, UUID or custom).
 */
import type { Context } from "hono";
import { z } from "zod";
import { listAliases } from "../../../accounts/alias-list.js";
import { createAlias } from "../../../accounts/aliases.js";
import { domainOptions } from "../../../accounts/domains.js";
import { listRecipients } from "../../../accounts/recipients.js";
import { getSettings } from "../../../accounts/settings.js";
import { nowSeconds } from "../../../db-errors.js";
import { ALIAS_FORMATS } from "../../../domain/alias-format.js";
import { setFlash } from "../../cookies.js";
import { type FieldErrors, type FormValues, fieldErrorsFrom, listField, readForm } from "../../forms.js";
import { render } from "../../layout.js";
import { currentUser } from "../../router.js";
import type { WebEnv } from "../../types.js";
import { Select } from "../../ui.js";
import { CreateAliasForm } from "./create-form.js";
import { type ListParams, SORTS, STATUSES, listUrl, readParams, toListQuery } from "./query.js";
import { AliasRow } from "./row.js";

const CreateForm = z.object({
  domain: z.string().trim().min(1, "Choose a domain.").max(253),
  format: z.enum(ALIAS_FORMATS),
  local_part: z.string().trim().max(130).optional(),
  description: z.string().trim().max(200, "At most 200 characters.").optional(),
  recipient_ids: listField(z.string().max(36), 10, "At most 10 recipients."),
});

function Filters({ p }: { p: ListParams }) {
  return (
    <form method="get" action="/aliases" class="card row" role="search">
      <div>
        <label for="f-q">Search</label>
        <input id="f-q" name="q" type="search" value={p.q} placeholder="Address or description" maxlength={100} />
      </div>
      <Select name="status" label="Show" value={p.status} options={STATUSES} autosubmit />
      <Select name="sort" label="Sort by" value={p.sort} options={SORTS} autosubmit />
      <Select name="dir" label="Order" value={p.dir} options={[["desc", "Newest / most first"], ["asc", "Oldest / least first"]]} autosubmit />
      <button type="submit">Apply</button>
    </form>
  );
}

/** Renders the list page; `create` carries the new-alias form's input and errors when it failed. */
export async function aliasesPage(c: Context<WebEnv>, create: { values?: FormValues; errors?: FieldErrors } = {}) {
  const user = currentUser(c);
  const { db } = c.var;
  const p = readParams(c.req.query());
  const [page, options, recipients, settings] = await Promise.all([
    listAliases(db, user.id, toListQuery(p)), domainOptions(db, user.id), listRecipients(db, user.id, { verified: true }), getSettings(db, user.id),
  ]);
  const back = listUrl(p);
  const body = (
    <>
      <h1>Aliases</h1>
      <CreateAliasForm csrf={c.var.csrfToken} options={options} recipients={recipients} values={create.values} errors={create.errors}
        defaults={{ domain: settings.defaultAliasDomain, format: settings.defaultAliasFormat }} />
      <Filters p={p} />
      <section class="card" aria-labelledby="list-title">
        <h2 id="list-title">{page.total === 1 ? "1 alias" : `${page.total} aliases`}{p.q ? ` matching “${p.q}”` : ""}</h2>
        {page.items.length === 0 ? <p>No aliases here.</p> : (
          <table class="stack">
            <thead>
              <tr><th scope="col">Alias</th><th scope="col">Recipients</th><th scope="col" class="num">Forwarded</th><th scope="col" class="num">Blocked</th>
                <th scope="col" class="num">Replied / sent</th><th scope="col">Last used</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
            </thead>
            <tbody>{page.items.map((item) => <AliasRow item={item} csrf={c.var.csrfToken} back={back} />)}</tbody>
          </table>
        )}
        <nav class="pager" aria-label="Pages">
          {p.page > 1 ? <a href={listUrl(p, { page: p.page - 1 })} rel="prev">Previous</a> : null}
          <span>Page {p.page} of {page.lastPage}</span>
          {p.page < page.lastPage ? <a href={listUrl(p, { page: p.page + 1 })} rel="next">Next</a> : null}
        </nav>
      </section>
    </>
  );
  return render(c, "Aliases", body, { status: create.errors ? 422 : 200 });
}

/** `POST /aliases`. */
export async function createAliasFromForm(c: Context<WebEnv>) {
  const user = currentUser(c);
  const form = await readForm(c, CreateForm);
  if (!form.ok) return aliasesPage(c, form);
  const f = form.data;
  if (f.format === "custom" && !f.local_part) return aliasesPage(c, { values: form.values, errors: { local_part: "Enter the part before the @ for a custom alias." } });
  try {
    const made = await createAlias(c.var.db, user.id, {
      domain: f.domain, format: f.format, localPart: f.local_part || null, description: f.description || null, recipientIds: f.recipient_ids,
    }, nowSeconds(), { enforcePlan: true });
    setFlash(c, { kind: "ok", text: `Created ${made.alias.email}.` });
    return c.redirect("/aliases", 303);
  } catch (err) {
    return aliasesPage(c, { values: form.values, errors: fieldErrorsFrom(err) });
  }
}
