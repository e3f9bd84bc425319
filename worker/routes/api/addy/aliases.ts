/**
 * addy.io's alias routes: list, read, create, edit, restore, delete, forget (`/api/v1/aliases…`).
 * Switches, bulk actions and recipients are in alias-actions.ts.
 */
import { z } from "zod";
import { ALIAS_SORT_FIELDS, type AliasSortField, listAliases } from "../../../accounts/alias-list.js";
import { deleteAlias, forgetAlias, restoreAlias } from "../../../accounts/alias-state.js";
import { createAlias, getAlias, updateAlias } from "../../../accounts/aliases.js";
import { nowSeconds } from "../../../db-errors.js";
import { ALIAS_FORMATS } from "../../../domain/alias-format.js";
import { displayNameSchema } from "../../../domain/display-name.js";
import { ApiError } from "../../../errors.js";
import { type ApiBuilder, noContent } from "../define.js";
import { BoolParam, notFound, unauthenticated } from "./common.js";
import { pageEnvelope } from "./pagination.js";
import { aliasJson } from "./serializers.js";
import { Alias, Message, ValidationError, dataOf, paginated } from "./schemas.js";

const SORT = new RegExp(`^-?(${ALIAS_SORT_FIELDS.join("|")})$`);

const ListQuery = z.object({
  filter: z.object({
    search: z.string().min(3).max(50).optional().describe("matched literally against the address and the description"),
    active: BoolParam.optional(),
    pinned: BoolParam.optional(),
    deleted: z.enum(["with", "without", "only"]).optional().describe("default `without`"),
  }).optional(),
  deleted: z.enum(["with", "only"]).optional().describe("legacy form of `filter[deleted]`"),
  sort: z.string().regex(SORT).optional().describe(`one of ${ALIAS_SORT_FIELDS.join(", ")}; a leading \`-\` sorts descending. Pinned aliases always come first; default newest first`),
  page: z.object({
    number: z.coerce.number().int().min(1).optional(),
    size: z.coerce.number().int().min(1).max(100).optional().describe("default 100"),
  }).optional(),
  recipient: z.uuid().optional().describe("aliases forwarding to this recipient (attached or by default)"),
  domain: z.uuid().optional().describe("aliases on this custom domain"),
  username: z.uuid().optional().describe("aliases of this username"),
  with: z.string().optional().describe("accepted and ignored: recipients are always included"),
});

const CreateBody = z.object({
  domain: z.string().max(253).describe("one of the account's domain options"),
  description: z.string().max(200).nullish(),
  format: z.enum(ALIAS_FORMATS).nullish().describe("default: the account's default alias format"),
  local_part: z.string().max(70).nullish().describe("required with format `custom`, may be `local+extension`; ignored otherwise"),
  recipient_ids: z.array(z.uuid()).max(10).nullish().describe("verified recipients to attach"),
});

const EditBody = z.object({
  description: z.string().max(200).nullish(),
  from_name: displayNameSchema().nullish(),
});

const notFoundAlias = notFound("alias");

/** Registers the alias routes. */
export function aliasRoutes(api: ApiBuilder): void {
  const tag = "Aliases";
  api.route({
    method: "get", path: "/api/v1/aliases", operationId: "listAliases", tag, auth: "token", query: ListQuery,
    summary: "List aliases (filtered, sorted, paginated)",
    responses: { 200: { description: "One page", schema: paginated(Alias) }, 401: unauthenticated, 422: { description: "Bad filter", schema: ValidationError } },
  }, async (c, { query }) => {
    const size = query.page?.size ?? 100;
    const page = query.page?.number ?? 1;
    const sort = query.sort ? { field: query.sort.replace(/^-/, "") as AliasSortField, descending: query.sort.startsWith("-") } : undefined;
    const result = await listAliases(c.var.db, c.var.apiCaller.userId, {
      search: query.filter?.search, active: query.filter?.active, pinned: query.filter?.pinned,
      deleted: query.filter?.deleted ?? query.deleted ?? "without", sort,
      recipientId: query.recipient, domainId: query.domain, usernameId: query.username, page, size,
    });
    return c.json({ data: result.items.map(aliasJson), ...pageEnvelope(c, page, size, result.total, result.items.length) });
  });

  api.route({
    method: "get", path: "/api/v1/aliases/{id}", operationId: "getAlias", tag, auth: "token",
    summary: "One alias (deleted ones included)",
    responses: { 200: { description: "The alias", schema: dataOf(Alias) }, 401: unauthenticated, 404: notFoundAlias },
  }, async (c, { id }) => c.json({ data: aliasJson(await getAlias(c.var.db, c.var.apiCaller.userId, id)) }));

  api.route({
    method: "post", path: "/api/v1/aliases", operationId: "createAlias", tag, auth: "token", body: CreateBody,
    summary: "Create an alias",
    description: "Unknown keys are ignored. Counts against the plan's hourly alias-creation limit; on a shared domain, against its active shared-domain aliases.",
    responses: {
      201: { description: "Created", schema: dataOf(Alias) }, 401: unauthenticated,
      403: { description: "The plan's active shared-domain aliases are used up", schema: Message },
      422: { description: "Invalid domain (also: a paid-only domain on an unpaid plan, said so), local part, description or recipients", schema: ValidationError },
      429: { description: "The plan's hourly alias-creation limit reached", schema: Message },
    },
  }, async (c, { body }) => {
    if (body.format === "custom" && !body.local_part) throw new ApiError("VALIDATION", "The local part field is required when format is custom.", "local_part");
    const created = await createAlias(c.var.db, c.var.apiCaller.userId, {
      domain: body.domain, description: body.description, format: body.format, localPart: body.local_part, recipientIds: body.recipient_ids,
    }, nowSeconds(), { enforcePlan: true });
    return c.json({ data: aliasJson(created) }, 201);
  });

  api.route({
    method: "patch", path: "/api/v1/aliases/{id}", operationId: "updateAlias", tag, auth: "token", body: EditBody,
    summary: "Edit description and/or from name (null clears)",
    responses: { 200: { description: "The alias", schema: dataOf(Alias) }, 401: unauthenticated, 404: notFoundAlias, 422: { description: "Too long", schema: ValidationError } },
  }, async (c, { id, body }) => c.json({ data: aliasJson(await updateAlias(c.var.db, c.var.apiCaller.userId, id, { description: body.description, fromName: body.from_name }, nowSeconds())) }));

  api.route({
    method: "patch", path: "/api/v1/aliases/{id}/restore", operationId: "restoreAlias", tag, auth: "token",
    summary: "Restore a deleted alias (it becomes active again)",
    responses: { 200: { description: "The alias", schema: dataOf(Alias) }, 401: unauthenticated, 404: notFoundAlias },
  }, async (c, { id }) => c.json({ data: aliasJson(await restoreAlias(c.var.db, c.var.apiCaller.userId, id, nowSeconds())) }));

  api.route({
    method: "delete", path: "/api/v1/aliases/{id}", operationId: "deleteAlias", tag, auth: "token",
    summary: "Delete an alias (soft: it can be restored; mail to it is refused meanwhile)",
    responses: { 204: { description: "Deleted" }, 401: unauthenticated, 404: notFoundAlias },
  }, async (c, { id }) => { await deleteAlias(c.var.db, c.var.apiCaller.userId, id, nowSeconds()); return noContent(c); });

  api.route({
    method: "delete", path: "/api/v1/aliases/{id}/forget", operationId: "forgetAlias", tag, auth: "token",
    summary: "Forget an alias for good",
    description: "An alias directly on a shared domain stays reserved (anonymised) so its address is never issued again; others are removed.",
    responses: { 204: { description: "Forgotten" }, 401: unauthenticated, 404: notFoundAlias },
  }, async (c, { id }) => { await forgetAlias(c.var.db, c.var.apiCaller.userId, id, nowSeconds()); return noContent(c); });
}
