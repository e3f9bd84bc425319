/**
 * Request-body validation with zod: a bad body is a 422 VALIDATION error naming the field.
 */
import type { Context } from "hono";
import type { z } from "zod";
import { ApiError } from "./errors.js";

/**
 * Parses the JSON body of `c` with `schema`.
 * @throws ApiError BAD_REQUEST when the body is not JSON; VALIDATION (422) naming the first bad field.
 */
export async function parseBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let json: unknown;
  try {
    json = JSON.parse(await c.req.text());
  } catch {
    throw new ApiError("BAD_REQUEST", "request body must be JSON");
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.join(".") || "body";
    throw new ApiError("VALIDATION", `${field}: ${issue?.message ?? "invalid"}`, field);
  }
  return result.data;
}
