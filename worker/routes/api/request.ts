/**
 * Reading API requests the way Laravel (addy.io) does, so existing clients get the same answers:
 *
 * - Query keys in PHP's bracket form become nested objects: `filter[active]=true` → `{filter: {active}}`.
 *   As in PHP, anything after the closing bracket is ignored, so the Android app's `filter%5Bactive%5D%3D`
 *   (the key `filter[active]=`) is `filter[active]`.
 * - Empty strings are "not given" (Laravel's ConvertEmptyStringsToNull): in the query they are dropped,
 *   in a JSON body they become null.
 * - Validation failures are Laravel's 422: `{message, errors: {field: ["The … field …"]}}` (worker/errors.ts),
 *   worded per rule and ignoring unknown query keys (./laravel-validation.ts).
 */
import type { Context } from "hono";
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
