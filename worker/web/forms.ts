/**
 * Reading dashboard forms with zod. A bad form is not an exception: the handler re-renders the form
 * with 422, the user's input kept (never passwords) and a message next to each bad field.
 */
import type { Context } from "hono";
import { z } from "zod";
import { ApiError } from "../errors.js";

/** Field name → message. */
export type FieldErrors = Record<string, string>;

/** What a form posted, as strings (files ignored), for re-filling inputs. */
export type FormValues = Record<string, string>;

export type FormResult<T> = { ok: true; data: T; values: FormValues } | { ok: false; errors: FieldErrors; values: FormValues };

const SECRET_FIELDS = /password|code|_csrf|response/i;

/**
 * Parses the posted form with `schema` (checkboxes arrive as `"on"` or absent; multi-valued fields as
 * arrays when the schema says so).
 */
export async function readForm<S extends z.ZodType>(c: Context, schema: S): Promise<FormResult<z.infer<S>>> {
  const body = await c.req.parseBody({ all: true });
  const values: FormValues = {};
  const input: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(body)) {
    const strings = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");
    input[key] = Array.isArray(value) ? strings : (strings[0] ?? "");
    if (!SECRET_FIELDS.test(key)) values[key] = strings.join(",");
  }
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data, values };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= issue.message;
  }
  return { ok: false, errors, values };
}

/**
 * Turns a service's VALIDATION or CONFLICT error into field errors for the form; rethrows anything
 * else (NOT_FOUND and the rest become error pages).
 * @param fieldMap service field names → form field names, where they differ
 */
export function fieldErrorsFrom(err: unknown, fieldMap: Record<string, string> = {}): FieldErrors {
  if (err instanceof ApiError && (err.code === "VALIDATION" || err.code === "CONFLICT" || err.code === "RATE_LIMITED" || err.code === "FORBIDDEN")) {
    const field = err.field ? (fieldMap[err.field] ?? err.field) : "form";
    const message = err.field && err.message.startsWith(`${err.field}: `) ? err.message.slice(err.field.length + 2) : err.message;
    return { [field]: message };
  }
  throw err;
}

/**
 * A multi-valued field (checkboxes with one name): one ticked box posts a single value, none posts
 * nothing; both become arrays here.
 */
export function listField<T extends z.ZodType<string>>(item: T, max: number, message: string) {
  return z.preprocess((v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]), z.array(item).max(max, message));
}

/** Checkbox value → boolean. */
export const checked = (value: unknown): boolean => value === "on" || value === "1" || value === "true";
