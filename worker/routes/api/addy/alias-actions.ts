/**
 * addy.io's alias switches (`/active-aliases`, `/pinned-aliases`, `/attached-recipients-only`: POST
 * `{id}` turns on → 200 with the alias, DELETE `/{id}` turns off → 204), `/alias-recipients`, and the
 * bulk routes (`/aliases/{action}/bulk`, 1–25 ids).
 */
import { z } from "zod";
import { BULK_ACTIONS, bulkAliasAction, bulkSetRecipients } from "../../../accounts/alias-bulk.js";
import { setAliasActive, setAliasAttachedRecipientsOnly, setAliasPinned, setAliasRecipients } from "../../../accounts/alias-state.js";
import { getAliases } from "../../../accounts/aliases.js";
import type { AliasWithRecipients } from "../../../accounts/aliases.js";
import type { Db } from "../../../../db/client.js";
import { nowSeconds } from "../../../db-errors.js";
import { ApiError } from "../../../errors.js";
import { type ApiBuilder, noContent } from "../define.js";
import { invalid, notFound, unauthenticated } from "./common.js";
import { aliasJson } from "./serializers.js";
import { Alias, BulkResult, IdBody, IdsBody, Message, dataOf, listOf } from "./schemas.js";

type Switch = (db: Db, userId: string, id: string, on: boolean, now: Date) => Promise<AliasWithRecipients>;

const SWITCHES: { path: string; name: string; summary: string; set: Switch }[] = [
  { path: "active-aliases", name: "ActiveAlias", summary: "activate / deactivate an alias (inactive: mail is dropped and counted as blocked)", set: setAliasActive },
  { path: "pinned-aliases", name: "PinnedAlias", summary: "pin / unpin an alias", set: setAliasPinned },
  { path: "attached-recipients-only", name: "AttachedRecipientsOnly", summary: "only the attached recipients may reply or send from the alias: on / off", set: setAliasAttachedRecipientsOnly },
];

/** Registers the switches, alias recipients and bulk routes. */
export function aliasActionRoutes(api: ApiBuilder): void {
  const tag = "Aliases";
  for (const s of SWITCHES) {
    api.route({
      method: "post", path: `/api/v1/${s.path}`, operationId: `create${s.name}`, tag, auth: "token", body: IdBody,
      summary: `Turn on: ${s.summary}`,
      responses: { 200: { description: "The alias", schema: dataOf(Alias) }, 401: unauthenticated, 404: notFound("alias"), 422: invalid("Missing id, or activating a deleted alias") },
    }, async (c, { body }) => c.json({ data: aliasJson(await s.set(c.var.db, c.var.apiCaller.userId, body.id, true, nowSeconds())) }));
    api.route({
      method: "delete", path: `/api/v1/${s.path}/{id}`, operationId: `delete${s.name}`, tag, auth: "token",
      summary: `Turn off: ${s.summary}`,
      responses: { 204: { description: "Turned off" }, 401: unauthenticated, 404: notFound("alias") },
    }, async (c, { id }) => { await s.set(c.var.db, c.var.apiCaller.userId, id, false, nowSeconds()); return noContent(c); });
  }

  api.route({
    method: "post", path: "/api/v1/alias-recipients", operationId: "setAliasRecipients", tag, auth: "token",
    body: z.object({ alias_id: z.string().max(64), recipient_ids: z.array(z.uuid()).max(10).nullish() }),
    summary: "Replace the recipients of an alias (an empty list: its default recipient)",
    responses: { 200: { description: "The alias", schema: dataOf(Alias) }, 401: unauthenticated, 404: notFound("alias"), 422: invalid("Not verified recipients of this account, or more than 10") },
  }, async (c, { body }) => c.json({ data: aliasJson(await setAliasRecipients(c.var.db, c.var.apiCaller.userId, body.alias_id, body.recipient_ids ?? [], nowSeconds())) }));

  api.route({
    method: "post", path: "/api/v1/aliases/get/bulk", operationId: "getAliasesBulk", tag, auth: "token", body: IdsBody,
    summary: "Several aliases by id",
    responses: { 200: { description: "The aliases found", schema: listOf(Alias) }, 401: unauthenticated, 404: { description: "None found", schema: Message }, 422: invalid("Bad ids") },
  }, async (c, { body }) => {
    const found = await getAliases(c.var.db, c.var.apiCaller.userId, body.ids);
    if (found.length === 0) throw new ApiError("NOT_FOUND", "No aliases found");
    return c.json({ data: found.map(aliasJson) });
  });

  for (const action of BULK_ACTIONS) {
    api.route({
      method: "post", path: `/api/v1/aliases/${action}/bulk`, operationId: `${action}AliasesBulk`, tag, auth: "token", body: IdsBody,
      summary: `${action[0]!.toUpperCase()}${action.slice(1)} several aliases`,
      responses: {
        200: { description: "What was done and to which ids", schema: BulkResult }, 401: unauthenticated,
        404: { description: "None of the ids is an alias of this account", schema: Message },
        422: invalid(action === "activate" ? "Bad ids, or every listed alias is deleted (`ids` lists them)" : "Bad ids"),
      },
    }, async (c, { body }) => c.json(await bulkAliasAction(c.var.db, c.var.apiCaller.userId, action, body.ids, nowSeconds())));
  }

  api.route({
    method: "post", path: "/api/v1/aliases/recipients/bulk", operationId: "setRecipientsBulk", tag, auth: "token",
    body: IdsBody.extend({ recipient_ids: z.array(z.uuid()).max(10) }),
    summary: "Replace the recipients of several aliases",
    responses: { 200: { description: "What was done", schema: BulkResult }, 401: unauthenticated, 404: { description: "None found", schema: Message }, 422: invalid("Bad ids or recipients") },
  }, async (c, { body }) => c.json(await bulkSetRecipients(c.var.db, c.var.apiCaller.userId, body.ids, body.recipient_ids, nowSeconds())));
}
