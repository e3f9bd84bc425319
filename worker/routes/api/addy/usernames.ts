/**
 * addy.io's username routes: list, read, add, edit, delete, default recipient, and the
 * `active-usernames` / `catch-all-usernames` / `loginable-usernames` switches. Limits on the number of
 * usernames per plan are not enforced yet (issue 7); `auto_create_regex` is not supported.
 */
import { z } from "zod";
import {
  addUsername, deleteUsername, getUsername, listUsernames, setUsernameDefaultRecipient, setUsernameFlag, updateUsername,
} from "../../../accounts/usernames.js";
import { nowSeconds } from "../../../db-errors.js";
import { displayNameSchema } from "../../../domain/display-name.js";
import { serviceHostLabels } from "../../../domain/username.js";
import { type ApiBuilder, noContent } from "../define.js";
import { invalid, notFound, unauthenticated } from "./common.js";
import { usernameJson } from "./serializers.js";
import { IdBody, Message, Username, dataOf, listOf } from "./schemas.js";

const EditBody = z.object({ description: z.string().max(200).nullish(), from_name: displayNameSchema().nullish() });

/** Registers the username routes. */
export function usernameRoutes(api: ApiBuilder): void {
  const tag = "Usernames";
  const one = { 200: { description: "The username", schema: dataOf(Username) }, 401: unauthenticated, 404: notFound("username") };
  api.route({
    method: "get", path: "/api/v1/usernames", operationId: "listUsernames", tag, auth: "token", summary: "All usernames",
    responses: { 200: { description: "The usernames", schema: listOf(Username) }, 401: unauthenticated },
  }, async (c) => c.json({ data: (await listUsernames(c.var.db, c.var.apiCaller.userId)).map(usernameJson) }));

  api.route({ method: "get", path: "/api/v1/usernames/{id}", operationId: "getUsername", tag, auth: "token", summary: "One username", responses: one },
    async (c, { id }) => c.json({ data: usernameJson(await getUsername(c.var.db, c.var.apiCaller.userId, id)) }));

  api.route({
    method: "post", path: "/api/v1/usernames", operationId: "createUsername", tag, auth: "token",
    body: z.object({ username: z.string().max(20), description: z.string().max(200).nullish() }),
    summary: "Add a username (letters and digits, at most 20, never used before)",
    responses: { 201: { description: "Added", schema: dataOf(Username) }, 401: unauthenticated, 403: { description: "The plan's limit is reached (the message says which)", schema: Message }, 422: invalid("Malformed, reserved or taken") },
  }, async (c, { body }) => c.json({
    data: usernameJson(await addUsername(c.var.db, c.var.apiCaller.userId, body, nowSeconds(), serviceHostLabels(c.var.config.mailDns, c.var.config.appUrl))),
  }, 201));

  api.route({ method: "patch", path: "/api/v1/usernames/{id}", operationId: "updateUsername", tag, auth: "token", body: EditBody, summary: "Edit description and/or from name", responses: one },
    async (c, { id, body }) => c.json({ data: usernameJson(await updateUsername(c.var.db, c.var.apiCaller.userId, id, { description: body.description, fromName: body.from_name }, nowSeconds())) }));

  api.route({
    method: "delete", path: "/api/v1/usernames/{id}", operationId: "deleteUsername", tag, auth: "token", summary: "Delete a username (not the default one) and its aliases",
    responses: { 204: { description: "Deleted" }, 401: unauthenticated, 403: { description: "The default username", schema: Message }, 404: notFound("username") },
  }, async (c, { id }) => { await deleteUsername(c.var.db, c.var.apiCaller.userId, id, nowSeconds()); return noContent(c); });

  api.route({
    method: "patch", path: "/api/v1/usernames/{id}/default-recipient", operationId: "setUsernameDefaultRecipient", tag, auth: "token",
    body: z.object({ default_recipient: z.string().max(64).nullish().describe("a verified recipient id; empty or null clears") }),
    summary: "Set the recipient of the username's aliases that have none", responses: { ...one, 422: invalid("Not a verified recipient") },
  }, async (c, { id, body }) => c.json({ data: usernameJson(await setUsernameDefaultRecipient(c.var.db, c.var.apiCaller.userId, id, body.default_recipient ?? null, nowSeconds())) }));

  const switches = [["active-usernames", "active", "Active"], ["catch-all-usernames", "catchAll", "CatchAll"], ["loginable-usernames", "canLogin", "Loginable"]] as const;
  for (const [path, flag, name] of switches) {
    api.route({ method: "post", path: `/api/v1/${path}`, operationId: `create${name}Username`, tag, auth: "token", body: IdBody, summary: `Turn ${flag} on`, responses: one },
      async (c, { body }) => c.json({ data: usernameJson(await setUsernameFlag(c.var.db, c.var.apiCaller.userId, body.id, flag, true, nowSeconds())) }));
    api.route({
      method: "delete", path: `/api/v1/${path}/{id}`, operationId: `delete${name}Username`, tag, auth: "token", summary: `Turn ${flag} off`,
      responses: { 204: { description: "Off" }, 401: unauthenticated, 404: notFound("username") },
    }, async (c, { id }) => { await setUsernameFlag(c.var.db, c.var.apiCaller.userId, id, flag, false, nowSeconds()); return noContent(c); });
  }
}
