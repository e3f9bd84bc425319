/** The "new alias" form at the top of the aliases page. */
import type { DomainOption } from "../../../accounts/domains.js";
import type { RecipientView } from "../../../accounts/recipients.js";
import { ALIAS_FORMATS } from "../../../domain/alias-format.js";
import type { FieldErrors, FormValues } from "../../forms.js";
import { Csrf, Field, FormError, Select } from "../../ui.js";
import { FORMAT_LABELS } from "../settings/general.js";

export interface CreateFormProps {
  csrf: string;
  options: DomainOption[];
  recipients: RecipientView[];
  defaults: { domain: string | null; format: string };
  values?: FormValues | undefined;
  errors?: FieldErrors | undefined;
}

export function CreateAliasForm(p: CreateFormProps) {
  const v = p.values ?? {};
  const chosen = new Set((v.recipient_ids ?? "").split(",").filter(Boolean));
  if (p.options.length === 0) {
    return <section class="card" id="create"><h2>New alias</h2><p>You have no domain to create aliases on yet: ask the operator to add a shared domain.</p></section>;
  }
  return (
    <form method="post" action="/aliases" class="card" id="create" novalidate>
      <h2>New alias</h2>
      <Csrf token={p.csrf} />
      <FormError errors={p.errors} />
      <div class="row">
        <Select name="domain" label="Domain" value={v.domain ?? p.defaults.domain ?? p.options[0]?.domain} errors={p.errors}
          options={p.options.map((o) => [o.domain, o.domain] as const)} />
        <Select name="format" label="Format" value={v.format ?? p.defaults.format} errors={p.errors}
          options={ALIAS_FORMATS.map((f) => [f, FORMAT_LABELS[f] ?? f] as const)} />
        <Field name="local_part" label="Custom part before the @" value={v.local_part} errors={p.errors} maxlength={64} hint="Only for the Custom format." />
      </div>
      <Field name="description" label="Description (optional)" value={v.description} errors={p.errors} maxlength={200} hint="Where you use it, e.g. “shoe shop”." />
      {p.recipients.length > 1 ? (
        <fieldset>
          <legend>Forward to (none ticked: your default recipient)</legend>
          {p.recipients.map(({ recipient: r }) => (
            <div class="check">
              <input type="checkbox" id={`r-${r.id}`} name="recipient_ids" value={r.id} checked={chosen.has(r.id)} />
              <label for={`r-${r.id}`}>{r.email}</label>
            </div>
          ))}
          {p.errors?.recipient_ids ? <p class="error">{p.errors.recipient_ids}</p> : null}
        </fieldset>
      ) : null}
      <button type="submit">Create alias</button>
    </form>
  );
}
