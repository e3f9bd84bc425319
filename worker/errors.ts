/**
 * One closed set of API error codes, their HTTP status in one switch, one error class and one handler
 * (after Unkey's `pkg/errors/http.ts`). Every error body is JSON, in the style of the API it answers
 * ({@link presentError}, the one place that decides):
 *
 * | style | routes | body |
 * |---|---|---|
 * | `internal` | `/internal/*` and the rest | `{ "error": { "code", "message", "field"? } }` |
 * | `addy` | `/api/v1/*`, `/api/auth/*` (addy.io / Laravel) | `{ "message" }`; 422: `{ "message", "errors": { field: [..] } }` |
 * | `simplelogin` | the other `/api/*` routes (SimpleLogin) | `{ "error" }` |
 *
 * The style is chosen per request by the API router (`c.var.errorStyle`); unset means `internal`.
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
  | "PAYLOAD_TOO_LARGE"
  | "PRECONDITION_FAILED"
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
    case "PAYLOAD_TOO_LARGE": return 413;
    case "PRECONDITION_FAILED": return 412;
    case "DATABASE_UNAVAILABLE": return 503;
    case "BAD_ENVIRONMENT":
    case "INTERNAL": return 500;
  }
}

/** Extra detail an {@link ApiError} may carry. */
export interface ApiErrorDetails {
  /** VALIDATION with several fields: field → messages (Laravel's `errors`). */
  errors?: Record<string, string[]>;
  /** Response headers, e.g. `Retry-After` on RATE_LIMITED. */
  headers?: Record<string, string>;
  /** Fields added to an addy-style body, e.g. `ids` on a refused bulk activation. */
  extra?: Record<string, unknown>;
}

/** Thrown anywhere in a request; turned into a response by {@link handleError}. */
export class ApiError extends HTTPException {
  readonly code: ApiErrorCode;
  /** For VALIDATION: the request field at fault (dotted path). */
  readonly field: string | undefined;
  readonly details: ApiErrorDetails;

  constructor(code: ApiErrorCode, message: string, field?: string, details: ApiErrorDetails = {}) {
    super(codeToStatus(code), { message });
    this.name = "ApiError";
    this.code = code;
    this.field = field;
    this.details = details;
  }
}

/** Which API's error format a request gets (see the module comment). */
export type ErrorStyle = "internal" | "addy" | "simplelogin";

/**
 * The status and JSON body of `err` in `style`. addy.io (Laravel) answers a duplicate with 422 naming
 * the field, where SimpleLogin and the internal API answer 409.
 */
export function presentError(err: ApiError, style: ErrorStyle): { status: ContentfulStatusCode; body: unknown } {
  const status = err.status as ContentfulStatusCode;
  if (style === "simplelogin") return { status, body: { error: err.message } };
  if (style === "internal") {
    return { status, body: { error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) } } };
  }
  const fieldErrors = err.details.errors ?? (err.field ? { [err.field]: [err.message] } : undefined);
  if ((err.code === "VALIDATION" || err.code === "CONFLICT") && fieldErrors) {
    const all = Object.values(fieldErrors).flat();
    const more = all.length - 1;
    const message = more > 0 ? `${all[0]} (and ${more} more error${more === 1 ? "" : "s"})` : (all[0] ?? err.message);
    return { status: 422, body: { message, errors: fieldErrors, ...err.details.extra } };
  }
  return { status, body: { message: err.message, ...err.details.extra } };
}

const styleOf = (c: Context): ErrorStyle => (c.get("errorStyle") as ErrorStyle | undefined) ?? "internal";

/** Hono `onError`: ApiError → its status; anything else → 500 INTERNAL (503 when the database is down). */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    const { status, body } = presentError(err, styleOf(c));
    for (const [name, value] of Object.entries(err.details.headers ?? {})) c.header(name, value);
    return c.json(body, status);
  }
  if (err instanceof HTTPException) {
    const code: ApiErrorCode = err.status === 401 ? "UNAUTHORIZED" : err.status === 404 ? "NOT_FOUND" : "BAD_REQUEST";
    return handleError(new ApiError(code, err.message || "Bad request"), c);
  }
  const unavailable = isDatabaseUnavailable(err);
  // drizzle puts the bound parameters (addresses) in its message: log the statement's cause, not them.
  const cause = (err as { cause?: unknown }).cause;
  const detail = cause instanceof Error ? cause.message : err.message.split("\nparams:")[0];
  console.error(JSON.stringify({ level: "error", msg: "request failed", path: c.req.path, error: detail }));
  const code: ApiErrorCode = unavailable ? "DATABASE_UNAVAILABLE" : "INTERNAL";
  return handleError(new ApiError(code, unavailable ? "Database unavailable" : "Internal error"), c);
}
