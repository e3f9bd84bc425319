/**
 * Form building blocks with the accessibility wiring done once: every input has a `<label>`, hints
 * and errors are tied to it with `aria-describedby`, and a bad field says `aria-invalid`.
 */
import type { Child } from "hono/jsx";
import type { FieldErrors, FormValues } from "./forms.js";

/** The hidden CSRF field every form needs. */
export function Csrf({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

interface FieldProps {
  name: string;
  label: string;
  type?: string;
  value?: string | null | undefined;
  errors?: FieldErrors | undefined;
  hint?: Child;
  required?: boolean;
  autocomplete?: string;
  maxlength?: number;
  inputmode?: "numeric" | "email" | "text";
  pattern?: string;
  placeholder?: string;
}

/** A labelled input with its hint and error. */
export function Field(p: FieldProps) {
  const id = `f-${p.name}`;
  const error = p.errors?.[p.name];
  const described = [p.hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div>
      <label for={id}>{p.label}</label>
      <input id={id} name={p.name} type={p.type ?? "text"} value={p.value ?? undefined} required={p.required}
        autocomplete={p.autocomplete} maxlength={p.maxlength} inputmode={p.inputmode} pattern={p.pattern} placeholder={p.placeholder}
        aria-invalid={error ? "true" : undefined} aria-describedby={described} />
      {p.hint ? <p class="hint" id={`${id}-hint`}>{p.hint}</p> : null}
      {error ? <p class="error" id={`${id}-error`}>{error}</p> : null}
    </div>
  );
}

interface SelectProps {
  name: string;
  label: string;
  options: readonly (readonly [value: string, label: string])[];
  value?: string | null | undefined;
  errors?: FieldErrors | undefined;
  hint?: Child;
  autosubmit?: boolean;
}

/** A labelled `<select>`. */
export function Select(p: SelectProps) {
  const id = `f-${p.name}`;
  const error = p.errors?.[p.name];
  return (
    <div>
      <label for={id}>{p.label}</label>
      <select id={id} name={p.name} aria-invalid={error ? "true" : undefined} data-autosubmit={p.autosubmit ? "" : undefined}
        aria-describedby={error ? `${id}-error` : p.hint ? `${id}-hint` : undefined}>
        {p.options.map(([value, label]) => <option value={value} selected={value === (p.value ?? "")}>{label}</option>)}
      </select>
      {p.hint ? <p class="hint" id={`${id}-hint`}>{p.hint}</p> : null}
      {error ? <p class="error" id={`${id}-error`}>{error}</p> : null}
    </div>
  );
}

/** A labelled checkbox (posts `on` when ticked). */
export function Checkbox({ name, label, checked, hint }: { name: string; label: string; checked: boolean; hint?: string }) {
  const id = `f-${name}`;
  return (
    <div class="check">
      <input type="checkbox" id={id} name={name} checked={checked} aria-describedby={hint ? `${id}-hint` : undefined} />
      <label for={id}>{label}</label>
      {hint ? <p class="hint" id={`${id}-hint`}>{hint}</p> : null}
    </div>
  );
}

/** The form-level error (one not tied to a field), as an alert. */
export function FormError({ errors }: { errors?: FieldErrors | undefined }) {
  return errors?.form ? <p class="flash error" role="alert">{errors.form}</p> : null;
}

/** A one-button POST form (toggle, delete, revoke…), optionally asking for confirmation first. */
export function ActionButton(p: { action: string; csrf: string; label: string; confirm?: string; danger?: boolean; secondary?: boolean; fields?: FormValues; ariaLabel?: string }) {
  return (
    <form method="post" action={p.action} class="inline" data-confirm={p.confirm}>
      <Csrf token={p.csrf} />
      {Object.entries(p.fields ?? {}).map(([k, v]) => <input type="hidden" name={k} value={v} />)}
      <button type="submit" class={p.danger ? "danger" : p.secondary ? "secondary" : undefined} aria-label={p.ariaLabel}>{p.label}</button>
    </form>
  );
}

/** Formats a date for tables: `2026-07-01 14:03` UTC, or a dash. */
export function when(date: Date | null | undefined): string {
  return date ? `${date.toISOString().slice(0, 16).replace("T", " ")}` : "—";
}
