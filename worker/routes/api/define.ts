/**
 * Declaring an API route once: its method, path, auth, zod schemas for query, body and responses, and
 * its handler. The same declaration validates requests, registers the Hono route and feeds the OpenAPI
 * document (openapi.ts), so the documentation cannot drift from what the server checks.
 */
import type { Context, Hono } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../../types.js";
import { countRequest, identifyCaller, type RequestCount } from "./authenticate.js";
import { conformQuery, validate } from "./laravel-validation.js";
import { parseQuery, readJsonBody } from "./request.js";

export type Method = "get" | "post" | "put" | "patch" | "delete";

/** Who may call a route: an API token holder, or anyone (login, documentation). */
export type RouteAuth = "token" | "none";

/** One documented response. */
export interface ResponseSpec {
  description: string;
  /** The JSON body; absent for an empty body (204). */
  schema?: z.ZodType | undefined;
}

/** A route's declaration. `path` is in OpenAPI form (`/api/v1/aliases/{id}`). */
export interface RouteSpec<Q extends z.ZodType | undefined = z.ZodType | undefined, B extends z.ZodType | undefined = z.ZodType | undefined> {
  method: Method;
  path: string;
  operationId: string;
  /** Group in the documentation, e.g. `Aliases`, `SimpleLogin`. */
  tag: string;
  summary: string;
  description?: string | undefined;
  auth: RouteAuth;
  query?: Q;
  body?: B;
  responses: Record<number, ResponseSpec>;
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a handler receives besides the context: the validated query and body, and the path's `{id}`. */
export interface RouteInput<Q, B> {
  query: Parsed<Q>;
  body: Parsed<B>;
  id: string;
}

/** Collects declarations while registering their routes on one Hono app. */
export class ApiBuilder {
  readonly specs: RouteSpec[] = [];

  constructor(readonly app: Hono<AppEnv>) {}

  /**
   * Declares and registers a route.
   * @example
   *   api.route({ method: "get", path: "/api/v1/aliases/{id}", auth: "token", … }, async (c, { id }) => c.json(…));
   */
  route<Q extends z.ZodType | undefined, B extends z.ZodType | undefined>(
    spec: RouteSpec<Q, B>,
    handler: (c: Context<AppEnv>, input: RouteInput<Q, B>) => Response | Promise<Response>,
  ): void {
    this.specs.push(spec as RouteSpec);
    const honoPath = spec.path.replace(/\{(\w+)\}/g, ":$1");
    const answer = async (c: Context<AppEnv>) => {
      const query = (spec.query ? validate(spec.query, conformQuery(spec.query, parseQuery(new URL(c.req.url).search))) : undefined) as Parsed<Q>;
      const body = (spec.body ? validate(spec.body, await readJsonBody(c)) : undefined) as Parsed<B>;
      return handler(c, { query, body, id: c.req.param("id") ?? "" });
    };
    this.app.on(spec.method.toUpperCase(), honoPath, async (c) => {
      if (spec.auth === "none") return answer(c);
      const caller = await identifyCaller(c);
      if (spec.method === "get") return answerWhileCounting(c, countRequest(c, caller), answer(c));
      applyCount(c, await countRequest(c, caller));
      return answer(c);
    });
  }
}

/**
 * A GET changes nothing, so it is answered while the request is counted (one round trip to the
 * database fewer). Over the limit, the answer is dropped for the 429, as if it had never been made;
 * an error the handler threw comes after the count too, and both carry the `X-RateLimit-*` headers.
 */
async function answerWhileCounting(c: Context<AppEnv>, counting: Promise<RequestCount>, answering: Promise<Response>): Promise<Response> {
  const [counted, answered] = await Promise.allSettled([counting, answering]);
  if (counted.status === "rejected") throw counted.reason;
  applyCount(c, counted.value);
  if (answered.status === "rejected") throw answered.reason;
  // The answer may have been made before the headers were set on the context.
  for (const [name, value] of Object.entries(counted.value.headers)) answered.value.headers.set(name, value);
  return answered.value;
}

/** Sets the `X-RateLimit-*` headers for what comes next (answer or error); throws the 429 when over the limit. */
function applyCount(c: Context<AppEnv>, counted: RequestCount): void {
  for (const [name, value] of Object.entries(counted.headers)) c.header(name, value);
  if (counted.refusal) throw counted.refusal;
}

/** An empty 204 (deactivate, unpin, delete, forget …): no body, no content type. */
export function noContent(c: Context): Response {
  return c.body(null, 204);
}
