/**
 * Errors on dashboard pages become HTML pages, not the API's JSON: {@link WebError} for what a route
 * decides itself, and ApiError from the account services mapped by its code (NOT_FOUND → 404, so
 * another user's id is indistinguishable from one that does not exist).
 */
import type { Context } from "hono";
import { ApiError } from "../errors.js";
import { isDatabaseUnavailable } from "../db-errors.js";
import { render } from "./layout.js";
import type { WebEnv } from "./types.js";

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 422 | 429 | 500 | 503;

/** An error page with `status` and a message fit for the user. */
export class WebError extends Error {
  constructor(readonly status: ErrorStatus, message: string) {
    super(message);
    this.name = "WebError";
  }
}

const TITLES: Record<ErrorStatus, string> = {
  400: "Bad request", 401: "Please log in", 403: "Not allowed", 404: "Not found", 409: "Conflict",
  422: "Please check the form", 429: "Too many requests", 500: "Something went wrong", 503: "Temporarily unavailable",
};

/** The dashboard routers' `onError`. */
export function webErrorPage(err: Error, c: Context<WebEnv>): Response | Promise<Response> {
  let status: ErrorStatus = 500;
  let message = "Something went wrong on our side. Please try again in a moment.";
  if (err instanceof WebError) {
    status = err.status;
    message = err.message;
  } else if (err instanceof ApiError) {
    status = ([400, 401, 403, 404, 409, 422, 429, 503] as number[]).includes(err.status) ? (err.status as ErrorStatus) : 500;
    message = status === 404 ? "There is nothing here, or it is not yours." : status === 500 ? message : err.message;
  } else if (isDatabaseUnavailable(err)) {
    status = 503;
    message = "The service is temporarily unavailable. Please try again in a minute.";
  }
  if (status >= 500) {
    // drizzle puts bound parameters (addresses, hashes) in its message: log the driver's cause instead.
    const cause = (err as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? cause.message : err.message.split("\nparams:")[0];
    console.error(JSON.stringify({ level: "error", msg: "page failed", path: c.req.path, error: detail }));
  }
  if (!c.var.config) return c.text(`${TITLES[status]}: ${message}`, status);
  if (!c.var.csrfToken) c.set("csrfToken", "");
  if (c.var.flash === undefined) c.set("flash", null);
  if (c.var.user === undefined) c.set("user", null);
  const body = (
    <div class="card narrow">
      <h1>{TITLES[status]}</h1>
      <p>{message}</p>
      <p><a href={c.var.user ? "/dashboard" : "/"}>Go to the start page</a></p>
    </div>
  );
  return render(c, TITLES[status], body, { status });
}
