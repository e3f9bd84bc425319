/**
 * addy.io's custom-domain routes: list, read, add, edit, delete, default recipient, and the
 * `active-domains` / `catch-all-domains` switches. A domain added here is unverified until the
 * dashboard's DNS check passes; `auto_create_regex` is not supported (always null, ignored on input).
 */
import { z } from "zod";
import {
  createDomain, deleteDomain, getDomain, listDomains, setDomainDefaultRecipient, setDomainFlag, updateDomain,
} from "../../../accounts/custom-domains.js";
import { nowSeconds } from "../../../db-errors.js";
import { displayNameSchema } from "../../../domain/display-name.js";
import { type ApiBuilder, noContent } from "../define.js";
import { invalid, notFound, unauthenticated } from "./common.js";
import { domainJson } from "./serializers.js";
import { Domain, IdBody, Message, dataOf, listOf } from "./schemas.js";

const EditBody = z.object({ description: z.string().max(200).nullish(), from_name: displayNameSchema().nullish() });

/** Registers the domain routes. */
export function domainRoutes(api: ApiBuilder): void {
  const tag = "Domains";
  const one = { 200: { description: "The domain", schema: dataOf(Domain) }, 401: unauthenticated, 404: notFound("domain") };
  api.route({
    method: "get", path: "/api/v1/domains", operationId: "listDomains", tag, auth: "token", summary: "All custom domains",
    responses: { 200: { description: "The domains", schema: listOf(Domain) }, 401: unauthenticated },
  }, async (c) => c.json({ data: (await listDomains(c.var.db, c.var.apiCaller.userId)).map(domainJson) }));

  api.route({ method: "get", path: "/api/v1/domains/{id}", operationId: "getDomain", tag, auth: "token", summary: "One custom domain", responses: one },
    async (c, { id }) => c.json({ data: domainJson(await getDomain(c.var.db, c.var.apiCaller.userId, id)) }));

  api.route({
    method: "post", path: "/api/v1/domains", operationId: "createDomain", tag, auth: "token", body: z.object({ domain: z.string().max(100) }),
    summary: "Add a custom domain (unverified until its DNS records check out)",
    responses: { 201: { description: "Added", schema: dataOf(Domain) }, 401: unauthenticated, 403: { description: "The plan's limit is reached (the message says which)", schema: Message }, 422: invalid("Invalid, taken, under a shared domain, or a recipient's domain") },
  }, async (c, { body }) => c.json({ data: domainJson(await createDomain(c.var.db, c.var.apiCaller.userId, body, nowSeconds())) }, 201));

  api.route({ method: "patch", path: "/api/v1/domains/{id}", operationId: "updateDomain", tag, auth: "token", body: EditBody, summary: "Edit description and/or from name", responses: one },
    async (c, { id, body }) => c.json({ data: domainJson(await updateDomain(c.var.db, c.var.apiCaller.userId, id, { description: body.description, fromName: body.from_name }, nowSeconds())) }));

  api.route({
    method: "delete", path: "/api/v1/domains/{id}", operationId: "deleteDomain", tag, auth: "token", summary: "Delete a custom domain and every alias on it",
    responses: { 204: { description: "Deleted" }, 401: unauthenticated, 404: notFound("domain") },
  }, async (c, { id }) => { await deleteDomain(c.var.db, c.var.apiCaller.userId, id); return noContent(c); });

  api.route({
    method: "patch", path: "/api/v1/domains/{id}/default-recipient", operationId: "setDomainDefaultRecipient", tag, auth: "token",
    body: z.object({ default_recipient: z.string().max(64).nullish().describe("a verified recipient id; empty or null clears") }),
    summary: "Set the recipient of the domain's aliases that have none", responses: { ...one, 422: invalid("Not a verified recipient") },
  }, async (c, { id, body }) => c.json({ data: domainJson(await setDomainDefaultRecipient(c.var.db, c.var.apiCaller.userId, id, body.default_recipient ?? null, nowSeconds())) }));

  for (const [path, flag, name] of [["active-domains", "active", "Active"], ["catch-all-domains", "catchAll", "CatchAll"]] as const) {
    api.route({ method: "post", path: `/api/v1/${path}`, operationId: `create${name}Domain`, tag, auth: "token", body: IdBody, summary: `Turn ${flag} on`, responses: one },
      async (c, { body }) => c.json({ data: domainJson(await setDomainFlag(c.var.db, c.var.apiCaller.userId, body.id, flag, true, nowSeconds())) }));
    api.route({
      method: "delete", path: `/api/v1/${path}/{id}`, operationId: `delete${name}Domain`, tag, auth: "token", summary: `Turn ${flag} off`,
      responses: { 204: { description: "Off" }, 401: unauthenticated, 404: notFound("domain") },
    }, async (c, { id }) => { await setDomainFlag(c.var.db, c.var.apiCaller.userId, id, flag, false, nowSeconds()); return noContent(c); });
  }
}
