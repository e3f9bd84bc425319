/**
 * One closed set of API error codes, their HTTP status in one switch, one error class and one handler
 * (after Unkey's `pkg/errors/http.ts`). Every error body is JSON:
 * `{ "error": { "code": "...", "message": "...", "field"?: "..." } }` on the internal API.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { isDatabaseUnavailable } from "./db-errors.js";

export type ApiErrorCode =
  | "BAD_REQUEST"
  | "VALIDATION"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "RATE_LIMITED"
  | "BAD_ENVIRONMENT"
  | "DATABASE_UNAVAILABLE"
  | "INTERNAL";

/** HTTP status of each code. */
export function codeToStatus(code: ApiErrorCode): ContentfulStatusCode {
  switch (code) {
    case "BAD_REQUEST": return 400;
    case "VALIDATION": return 422;
    case "UNAUTHORIZED": return 401;
    case "FORBIDDEN": return 403;
    case "NOT_FOUND": return 404;
    case "CONFLICT": return 409;
    case "RATE_LIMITED": return 429;
    case "DATABASE_UNAVAILABLE": return 503;
    case "BAD_ENVIRONMENT":
    case "INTERNAL": return 500;
  }
}

/** Thrown anywhere in a request; turned into a response by {@link handleError}. */
export class ApiError extends HTTPException {
  readonly code: ApiErrorCode;
  /** For VALIDATION: the request field at fault (dotted path). */
  readonly field: string | undefined;

  constructor(code: ApiErrorCode, message: string, field?: string) {
    super(codeToStatus(code), { message });
    this.name = "ApiError";
    this.code = code;
    this.field = field;
  }
}

/** Hono `onError`: ApiError → its status; anything else → 500 INTERNAL (503 when the database is down). */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    const body = { error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) } };
    return c.json(body, err.status as ContentfulStatusCode);
  }
  if (err instanceof HTTPException) {
    return c.json({ error: { code: err.status === 401 ? "UNAUTHORIZED" : "BAD_REQUEST", message: err.message } }, err.status as ContentfulStatusCode);
  }
  const unavailable = isDatabaseUnavailable(err);
  // drizzle puts the bound parameters (addresses) in its message: log the statement's cause, not them.
  const cause = (err as { cause?: unknown }).cause;
  const detail = cause instanceof Error ? cause.message : err.message.split("\nparams:")[0];
  console.error(JSON.stringify({ level: "error", msg: "request failed", path: c.req.path, error: detail }));
  const code: ApiErrorCode = unavailable ? "DATABASE_UNAVAILABLE" : "INTERNAL";
  return c.json({ error: { code, message: unavailable ? "Database unavailable" : "Internal error" } }, codeToStatus(code));
}
