/**
 * Validating API input the way addy.io's Laravel validator answers it, so clients that show the message
 * show the right one:
 *
 * - each failure is worded as Laravel words the rule that failed (lang/en/validation.php), e.g. a number
 *   where a string is required is "The domain field must be a string.", not "… is required." (zod 4
 *   issues carry the input only when parsing with `reportInput`, which is how the two are told apart);
 * - query keys a route does not know are ignored, and so is a plain value where the route expects
 *   bracketed keys (`?page=2` where it reads `page[number]`): Laravel reads `page.number` from it, finds
 *   nothing and validates nothing.
 */
import type { z } from "zod";
import { ApiError } from "../../errors.js";

/** The parts of a zod 4 schema definition this module walks (wrappers, objects, arrays, checks). */
interface SchemaDef {
  type: string;
  innerType?: ZodLike;
  in?: ZodLike;
  shape?: Record<string, ZodLike>;
  element?: ZodLike;
  format?: string;
  checks?: { _zod: { def: { format?: string } } }[];
}
interface ZodLike { _zod: { def: SchemaDef } }

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "catch", "readonly", "nonoptional"]);

/** `schema` without optional/nullable/default wrappers, and the input side of a pipe (transform). */
function unwrap(schema: ZodLike): ZodLike {
  let s = schema;
  for (let i = 0; i < 10; i++) {
    const def = s._zod.def;
    if (WRAPPERS.has(def.type) && def.innerType) s = def.innerType;
    else if (def.type === "pipe" && def.in) s = def.in;
    else break;
  }
  return s;
}

/** The schema at `path` inside `schema`, or undefined. */
function schemaAt(schema: ZodLike, path: readonly PropertyKey[]): ZodLike | undefined {
  let s: ZodLike | undefined = unwrap(schema);
  for (const key of path) {
    if (!s) return undefined;
    const def: SchemaDef = s._zod.def;
    const next: ZodLike | undefined = def.type === "object" ? def.shape?.[String(key)] : def.type === "array" ? def.element : undefined;
    s = next ? unwrap(next) : undefined;
  }
  return s;
}

const isInteger = (s: ZodLike | undefined): boolean =>
  !!s && (s._zod.def.format?.includes("int") === true || (s._zod.def.checks ?? []).some((c) => c._zod.def.format?.includes("int") === true));

/**
 * The query as Laravel would see it for `schema`: a plain value where the schema expects an object of
 * bracketed keys is dropped (at any depth). Unknown keys are left for the object schemas to strip.
 */
export function conformQuery(schema: z.ZodType, query: Record<string, unknown>): Record<string, unknown> {
  return conform(schema as unknown as ZodLike, query);
}

function conform(schema: ZodLike, query: Record<string, unknown>): Record<string, unknown> {
  const def = unwrap(schema)._zod.def;
  if (def.type !== "object" || !def.shape) return query;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    const field = def.shape[key];
    if (!field) continue;
    const expectsObject = unwrap(field)._zod.def.type === "object";
    if (expectsObject && typeof value !== "object") continue;
    out[key] = expectsObject ? conform(field, value as Record<string, unknown>) : value;
  }
  return out;
}

const TYPE_WORDS: Record<string, string> = {
  string: "a string", number: "a number", int: "an integer", boolean: "true or false", array: "an array", object: "an array",
};
const BOOLEAN_VALUES = ["true", "false", "1", "0"];

/**
 * Laravel's wording for one zod issue (`schema` is the whole request schema, to look up the field's
 * rule where the issue alone does not say, e.g. an integer given as "abc").
 */
export function laravelMessage(issue: z.core.$ZodIssue, field: string, schema: ZodLike): string {
  const name = field.replace(/_/g, " ");
  switch (issue.code) {
    case "invalid_type": {
      if (issue.input === undefined || issue.input === null) return `The ${name} field is required.`;
      const expected = issue.expected === "number" && isInteger(schemaAt(schema, issue.path)) ? "int" : issue.expected;
      return `The ${name} field must be ${TYPE_WORDS[expected] ?? `a valid ${expected}`}.`;
    }
    case "too_big":
      return issue.origin === "string" ? `The ${name} field must not be greater than ${issue.maximum} characters.`
        : issue.origin === "array" ? `The ${name} field must not have more than ${issue.maximum} items.`
          : `The ${name} field must not be greater than ${issue.maximum}.`;
    case "too_small":
      return issue.origin === "string" ? `The ${name} field must be at least ${issue.minimum} characters.`
        : issue.origin === "array" ? `The ${name} field must have at least ${issue.minimum} items.`
          : `The ${name} field must be at least ${issue.minimum}.`;
    case "invalid_format":
      return issue.format === "uuid" ? `The ${name} field must be a valid UUID.`
        : issue.format === "email" ? `The ${name} field must be a valid email address.` : `The ${name} field format is invalid.`;
    case "invalid_value":
      return issue.values.length === BOOLEAN_VALUES.length && BOOLEAN_VALUES.every((v) => issue.values.includes(v))
        ? `The ${name} field must be true or false.` : `The selected ${name} is invalid.`;
    case "custom": {
      const rule = (issue.params as { rule?: unknown } | undefined)?.rule;
      return typeof rule === "string" ? `The ${name} field ${rule}` : `The ${name} field format is invalid.`;
    }
    default:
      return `The selected ${name} is invalid.`;
  }
}

const label = (path: readonly PropertyKey[]): string => path.map(String).join(".") || "body";

/**
 * Validates `input` with `schema` (pass a query through {@link conformQuery} first).
 * @throws ApiError VALIDATION carrying every failing field (Laravel's `errors`), messages per
 *   {@link laravelMessage}
 */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const errors: Record<string, string[]> = {};
  for (const issue of result.error.issues) {
    const field = label(issue.path);
    (errors[field] ??= []).push(laravelMessage(issue, field, schema as unknown as ZodLike));
  }
  const first = Object.keys(errors)[0]!;
  throw new ApiError("VALIDATION", errors[first]![0]!, first, { errors });
}
