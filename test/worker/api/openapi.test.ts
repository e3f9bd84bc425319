/**
 * The OpenAPI document (`/api/openapi.json`) validates as OpenAPI 3.1 and describes exactly what the
 * server checks (it is generated from the same zod declarations); the reference page (`/api/docs`) is
 * self-contained HTML covering every operation.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, startApiTest } from "./support.js";

let t: ApiTest;
let doc: any; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  t = await startApiTest();
  const res = await t.req("GET", "/api/openapi.json", { headers: { Accept: "text/html" } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  doc = res.json;
});
afterAll(async () => { await t?.close(); });

describe("/api/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("documents the routes every client uses, with their status codes", () => {
    const expected: [string, string, string[]][] = [
      ["/api/v1/aliases", "get", ["200", "401"]],
      ["/api/v1/aliases", "post", ["201", "401", "422", "429"]],
      ["/api/v1/aliases/{id}", "delete", ["204", "404"]],
      ["/api/v1/aliases/{id}/forget", "delete", ["204"]],
      ["/api/v1/aliases/{id}/restore", "patch", ["200"]],
      ["/api/v1/active-aliases", "post", ["200"]],
      ["/api/v1/active-aliases/{id}", "delete", ["204"]],
      ["/api/v1/domain-options", "get", ["200"]],
      ["/api/v1/account-details", "get", ["200"]],
      ["/api/v1/app-version", "get", ["200"]],
      ["/api/auth/login", "post", ["200", "401", "422"]],
      ["/api/alias/random/new", "post", ["201", "429"]],
      ["/api/v3/alias/custom/new", "post", ["201", "409", "412"]],
      ["/api/v2/aliases", "get", ["200"]],
    ];
    for (const [path, method, statuses] of expected) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      for (const s of statuses) expect(Object.keys(op.responses), `${method} ${path}`).toContain(s);
    }
    const ops = Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap((m) => Object.values(m).map((o) => o.operationId));
    expect(new Set(ops).size).toBe(ops.length);
    expect(ops.length).toBeGreaterThan(70);
  });

  it("carries the validation rules the server applies (same zod schemas)", async () => {
    const create = doc.components.schemas[doc.paths["/api/v1/aliases"].post.requestBody.content["application/json"].schema.$ref.split("/").pop()];
    expect(create.required).toEqual(["domain"]);
    expect(JSON.stringify(create.properties.description)).toContain('"maxLength":200');
    const list = doc.paths["/api/v1/aliases"].get.parameters;
    const filter = list.find((p: { name: string }) => p.name === "filter");
    expect([filter.in, filter.style, filter.explode]).toEqual(["query", "deepObject", true]);
    expect(Object.keys(filter.schema.properties)).toEqual(["search", "active", "pinned", "deleted"]);
    const alias = doc.components.schemas.Alias;
    expect(Object.keys(alias.properties)).toEqual([
      "id", "user_id", "aliasable_id", "aliasable_type", "local_part", "extension", "domain", "email", "active", "pinned", "description",
      "from_name", "attached_recipients_only", "emails_forwarded", "emails_blocked", "emails_replied", "emails_sent", "recipients",
      "last_forwarded", "last_blocked", "last_replied", "last_sent", "created_at", "updated_at", "deleted_at",
    ]);
    const ok = await t.req("POST", "/api/v1/aliases", { headers: { Authorization: `Bearer ${(await t.account("jane")).token}`, "Content-Type": "application/json" }, body: { domain: "share.test", description: "d".repeat(201) } });
    expect(ok.status).toBe(422);
  });

  it("declares both ways to send the token", () => {
    expect(Object.keys(doc.components.securitySchemes)).toEqual(["bearerToken", "simpleLoginKey"]);
    expect(doc.paths["/api/v1/aliases"].get.security).toEqual([{ bearerToken: [] }, { simpleLoginKey: [] }]);
    expect(doc.paths["/api/auth/login"].post.security).toEqual([]);
  });
});

describe("/api/docs", () => {
  it("is self-contained HTML naming every operation, with nothing loaded from elsewhere", async () => {
    const res = await t.req("GET", "/api/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.text).not.toMatch(/<script|<link|src=|@import|url\(/i);
    expect(res.text).not.toMatch(/href="https?:/);
    for (const methods of Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>)) {
      for (const op of Object.values(methods)) expect(res.text).toContain(`id="${op.operationId}"`);
    }
    expect(res.text).toContain("App\\\\Models\\\\Username");
  });
});
