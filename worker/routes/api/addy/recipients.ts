/**
 * addy.io's recipient routes: list (not paginated), read, add (sends the verification mail), delete,
 * resend the verification, and the `allowed-recipients` switch (may reply and send from aliases).
 */
import type { Context } from "hono";
import { z } from "zod";
import {
  type MailContext, addRecipient, deleteRecipient, getRecipient, listRecipients, resendVerification, setRecipientCanReplySend,
} from "../../../accounts/recipients.js";
import { nowSeconds } from "../../../db-errors.js";
import type { AppEnv } from "../../../types.js";
import { type ApiBuilder, noContent } from "../define.js";
import { BoolParam, invalid, notFound, unauthenticated } from "./common.js";
import { recipientViewJson } from "./serializers.js";
import { IdBody, Message, Recipient, dataOf, listOf } from "./schemas.js";

/** Where verification links point and what signs them. */
export const mailContext = (c: Context<AppEnv>): MailContext => ({ appUrl: c.var.config.appUrl, appName: c.var.config.appName, appSecret: c.var.config.appSecret });

/** 429 from the verification-mail limits (worker/accounts/verification-mail.ts). */
const verificationLimited = {
  description: "A verification mail went to this recipient less than 10 minutes ago, or the address's daily or the account's hourly number of verification mails is reached (the message says which; Retry-After in seconds)",
  schema: Message,
};

/** Registers the recipient routes. */
export function recipientRoutes(api: ApiBuilder): void {
  const tag = "Recipients";
  api.route({
    method: "get", path: "/api/v1/recipients", operationId: "listRecipients", tag, auth: "token",
    query: z.object({
      filter: z.object({
        verified: BoolParam.optional(),
        alias_count: BoolParam.optional().describe("`false` leaves out `aliases_count`"),
      }).optional(),
    }),
    summary: "All recipients (not paginated)",
    responses: { 200: { description: "The recipients", schema: listOf(Recipient) }, 401: unauthenticated },
  }, async (c, { query }) => {
    const views = await listRecipients(c.var.db, c.var.apiCaller.userId, {
      verified: query.filter?.verified, withAliasCount: query.filter?.alias_count !== false,
    });
    return c.json({ data: views.map(recipientViewJson) });
  });

  api.route({
    method: "get", path: "/api/v1/recipients/{id}", operationId: "getRecipient", tag, auth: "token",
    summary: "One recipient",
    responses: { 200: { description: "The recipient", schema: dataOf(Recipient) }, 401: unauthenticated, 404: notFound("recipient") },
  }, async (c, { id }) => c.json({ data: recipientViewJson(await getRecipient(c.var.db, c.var.apiCaller.userId, id, { withAliasCount: true })) }));

  api.route({
    method: "post", path: "/api/v1/recipients", operationId: "createRecipient", tag, auth: "token",
    body: z.object({ email: z.string().max(254) }),
    summary: "Add a recipient; a verification mail goes to it",
    responses: {
      201: { description: "Added (unverified)", schema: dataOf(Recipient) }, 401: unauthenticated, 403: { description: "The plan's limit is reached (the message says which)", schema: Message },
      422: invalid("Invalid, taken, or on one of our domains"), 429: verificationLimited,
    },
  }, async (c, { body }) => c.json({ data: recipientViewJson(await addRecipient(c.var.db, c.var.apiCaller.userId, body, nowSeconds(), mailContext(c))) }, 201));

  api.route({
    method: "delete", path: "/api/v1/recipients/{id}", operationId: "deleteRecipient", tag, auth: "token",
    summary: "Delete a recipient (not the default one)",
    responses: { 204: { description: "Deleted" }, 401: unauthenticated, 403: { description: "The default recipient", schema: Message }, 404: notFound("recipient") },
  }, async (c, { id }) => { await deleteRecipient(c.var.db, c.var.apiCaller.userId, id); return noContent(c); });

  api.route({
    method: "post", path: "/api/v1/recipients/email/resend", operationId: "resendRecipientVerification", tag, auth: "token",
    body: z.object({ recipient_id: z.string().max(64) }),
    summary: "Send the verification mail again",
    responses: { 200: { description: "Queued", schema: Message }, 401: unauthenticated, 404: notFound("recipient"), 422: invalid("Already verified"), 429: verificationLimited },
  }, async (c, { body }) => {
    await resendVerification(c.var.db, c.var.apiCaller.userId, body.recipient_id, nowSeconds(), mailContext(c));
    return c.json({ message: "Verification email sent" });
  });

  api.route({
    method: "post", path: "/api/v1/allowed-recipients", operationId: "allowRecipientReplies", tag, auth: "token", body: IdBody,
    summary: "Allow replying and sending from aliases through this recipient",
    responses: { 200: { description: "The recipient", schema: dataOf(Recipient) }, 401: unauthenticated, 404: notFound("recipient") },
  }, async (c, { body }) => c.json({ data: recipientViewJson(await setRecipientCanReplySend(c.var.db, c.var.apiCaller.userId, body.id, true, nowSeconds())) }));

  api.route({
    method: "delete", path: "/api/v1/allowed-recipients/{id}", operationId: "forbidRecipientReplies", tag, auth: "token",
    summary: "Forbid replying and sending from aliases through this recipient",
    responses: { 204: { description: "Forbidden from now on" }, 401: unauthenticated, 404: notFound("recipient") },
  }, async (c, { id }) => { await setRecipientCanReplySend(c.var.db, c.var.apiCaller.userId, id, false, nowSeconds()); return noContent(c); });
}
