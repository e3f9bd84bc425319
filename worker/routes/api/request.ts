/**
 * Reading API requests the way Laravel (addy.io) does, so existing clients get the same answers:
 *
 * - Query keys in PHP's bracket form become nested objects: `filter[active]=true` → `{filter: {active}}`.
 *   As in PHP, anything after the closing bracket is ignored, so the Android app's `filter%5Bactive%5D%3D`
 *   (the key `filter[active]=`) is `filter[active]`.
 * - Empty strings are "not given" (Laravel's ConvertEmptyStringsToNull): in the query they are dropped,
 *   in a JSON body they become null.
 * - Validation failures are Laravel's 422: `{message, errors: {field: ["The … field …"]}}` (worker/errors.ts).
 */
import type { Context } from "hono";
import type { z } from "zod";
import { ApiError } from "../../errors.js";

type QueryValue = string | QueryObject;
interface QueryObject { [key: string]: QueryValue }

/**
 * Parses a query string into nested objects (last value wins, empty values dropped).
 * @example parseQuery("filter%5Bactive%5D%3D=true&page[size]=10") // { filter: { active: "true" }, page: { size: "10" } }
 */
export function parseQuery(search: string): QueryObject {
  const out: QueryObject = {};
  new URLSearchParams(search).forEach((value, rawKey) => {
    if (value === "") return;
    const match = /^([^[\]]+)((?:\[[^\]]*\])*)/.exec(rawKey);
    if (!match) return;
    const path = [match[1]!, ...[...match[2]!.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!)].filter((p) => p !== "");
    let node = out;
    for (const [i, part] of path.entries()) {
      if (i === path.length - 1) { node[part] = value; break; }
      const next = node[part];
      node = typeof next === "object" ? next : (node[part] = {});
    }
  });
  return out;
}

/** A JSON body with empty strings turned into null (top level and inside arrays). */
function emptyToNull(value: unknown): unknown {
  if (value === "") return null;
  if (Array.isArray(value)) return value.map(emptyToNull);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, emptyToNull(v)]));
  return value;
}

/** The largest request body the API reads (the biggest real one, a bulk request, is about 1 KB). */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads the JSON body (an absent or empty body is `{}`).
 * @throws ApiError PAYLOAD_TOO_LARGE over {@link MAX_BODY_BYTES}; BAD_REQUEST when not JSON
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  if (Number(c.req.header("content-length") ?? 0) > MAX_BODY_BYTES) throw new ApiError("PAYLOAD_TOO_LARGE", "The request body is too large.");
  const text = await c.req.text();
  if (text.length > MAX_BODY_BYTES) throw new ApiError("PAYLOAD_TOO_LARGE", "The request body is too large.");
  if (text.trim() === "") return {};
  try {
    return emptyToNull(JSON.parse(text));
  } catch {
    throw new ApiError("BAD_REQUEST", "The request body must be JSON.");
  }
}

const label = (path: PropertyKey[]): string => path.map(String).join(".") || "body";
const words = (field: string): string => field.replace(/_/g, " ");

/** Laravel's wording for one zod issue. */
function laravelMessage(issue: z.core.$ZodIssue, field: string): string {
  const name = words(field);
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined || issue.input === null ? `The ${name} field is required.` : `The ${name} field must be ${article(issue.expected)}.`;
    case "too_big":
      return issue.origin === "string" ? `The ${name} field must not be greater than ${issue.maximum} characters.`
        : issue.origin === "array" ? `The ${name} field must not have more than ${issue.maximum} items.`
          : `The ${name} field must not be greater than ${issue.maximum}.`;
    case "too_small":
      return issue.origin === "string" ? `The ${name} field must be at least ${issue.minimum} characters.`
        : issue.origin === "array" ? `The ${name} field must have at least ${issue.minimum} items.`
          : `The ${name} field must be at least ${issue.minimum}.`;
    case "invalid_format":
      return issue.format === "uuid" ? `The ${name} field must be a valid UUID.` : `The ${name} field format is invalid.`;
    default:
      return `The selected ${name} is invalid.`;
  }
}

function article(expected: string): string {
  const map: Record<string, string> = { string: "a string", number: "a number", int: "an integer", boolean: "true or false", array: "an array", object: "an object" };
  return map[expected] ?? `a valid ${expected}`;
}

/**
 * Validates `input` with `schema`.
 * @throws ApiError VALIDATION carrying every failing field (Laravel's `errors`)
 */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors: Record<string, string[]> = {};
  for (const issue of result.error.issues) {
    const field = label(issue.path);
    (errors[field] ??= []).push(laravelMessage(issue, field));
  }
  const first = Object.keys(errors)[0]!;
  throw new ApiError("VALIDATION", errors[first]![0]!, first, { errors });
}
