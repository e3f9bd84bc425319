/**
 * The OpenAPI 3.1 document of the API (`GET /api/openapi.json`), generated from the same route
 * declarations and zod schemas that validate requests (define.ts) with zod's `toJSONSchema` (JSON Schema
 * 2020-12, OpenAPI 3.1's dialect). Request schemas are converted on their input side, responses on
 * their output side; named resources become `components.schemas`.
 */
import { z } from "zod";
import type { RouteSpec } from "./define.js";
import { ADDY_COMPONENTS } from "./addy/schemas.js";
import { SlAlias } from "./simplelogin/serializers.js";

type Json = Record<string, unknown>;

const ref = (id: string) => `#/components/schemas/${id}`;

function clean(schema: Json): Json {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

/** Registers `schema` under `id` unless it is there already; returns its id. */
function named(registry: z.core.$ZodRegistry<{ id: string }>, schema: z.ZodType, id: string): string {
  const existing = registry.get(schema);
  if (existing) return existing.id;
  registry.add(schema, { id });
  return id;
}

const isOptional = (schema: z.ZodType): boolean => schema.safeParse(undefined).success;

function queryParameters(query: z.ZodType | undefined): Json[] {
  if (!query || !(query instanceof z.ZodObject)) return [];
  return Object.entries(query.shape as Record<string, z.ZodType>).map(([name, schema]) => {
    const json = clean(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json);
    const isObject = json.type === "object";
    return {
      name, in: "query", required: !isOptional(schema), schema: json,
      ...(isObject ? { style: "deepObject", explode: true } : {}),
      ...(schema.description ? { description: schema.description } : {}),
    };
  });
}

/**
 * Builds the document.
 * @param serverUrl the origin clients use, e.g. `https://app.veilmail.example`
 */
export function openApiDocument(specs: readonly RouteSpec[], serverUrl: string, title: string): Json {
  const requests = z.registry<{ id: string }>();
  const responses = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries({ ...ADDY_COMPONENTS, SimpleLoginAlias: SlAlias })) named(responses, schema, id);

  const paths: Record<string, Record<string, Json>> = {};
  for (const spec of specs) {
    const bodyId = spec.body ? named(requests, spec.body, `${cap(spec.operationId)}Request`) : null;
    const answers: Record<string, Json> = {};
    for (const [status, r] of Object.entries(spec.responses)) {
      const id = r.schema ? named(responses, r.schema, `${cap(spec.operationId)}${status}`) : null;
      answers[status] = { description: r.description, ...(id ? { content: { "application/json": { schema: { $ref: ref(id) } } } } : {}) };
    }
    const pathParams = [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    (paths[spec.path] ??= {})[spec.method] = {
      operationId: spec.operationId,
      tags: [spec.tag],
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      ...(spec.auth === "token" ? { security: [{ bearerToken: [] }, { simpleLoginKey: [] }] } : { security: [] }),
      parameters: [...pathParams, ...queryParameters(spec.query)],
      ...(bodyId ? { requestBody: { required: true, content: { "application/json": { schema: { $ref: ref(bodyId) } } } } } : {}),
      responses: answers,
    };
  }

  const convert = (registry: typeof requests, io: "input" | "output") =>
    Object.fromEntries(Object.entries(z.toJSONSchema(registry, { io, uri: ref, unrepresentable: "any" }).schemas).map(([id, s]) => [id, clean(s as Json)]));

  return {
    openapi: "3.1.0",
    info: {
      title: `${title} API`,
      version: "1.0.0",
      description: "addy.io-compatible REST API (`/api/v1`) and a SimpleLogin-compatible subset. Dates are `YYYY-MM-DD HH:MM:SS` in UTC. "
        + "Errors: `{message}` (422: `{message, errors}`) on addy.io routes, `{error}` on SimpleLogin routes.",
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas: { ...convert(requests, "input"), ...convert(responses, "output") },
      securitySchemes: {
        bearerToken: { type: "http", scheme: "bearer", description: "An API token (addy.io clients, Bitwarden)" },
        simpleLoginKey: { type: "apiKey", in: "header", name: "Authentication", description: "The same API token, SimpleLogin style" },
      },
    },
  };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
