/**
 * SimpleLogin's alias routes (`Authentication: <token>`): random and custom creation, the v2 list,
 * read, toggle, edit, delete. Errors are `{error}`.
 */
import type { Context } from "hono";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { listAliases } from "../../../accounts/alias-list.js";
import { deleteAlias, setAliasActive, setAliasPinned, setAliasRecipients } from "../../../accounts/alias-state.js";
import { type AliasFormat } from "../../../domain/alias-format.js";
import { type RecipientRow, createAlias, getAlias, updateAlias } from "../../../accounts/aliases.js";
import { domainOptions } from "../../../accounts/domains.js";
import { nowSeconds } from "../../../db-errors.js";
import { displayNameSchema } from "../../../domain/display-name.js";
import { ApiError } from "../../../errors.js";
import type { AppEnv } from "../../../types.js";
import { recipients, users } from "../../../../db/schema/index.js";
import type { ApiBuilder } from "../define.js";
import { SlAlias, SlCreatedAlias, slAliasJson, slCreatedJson } from "./serializers.js";
import { readSuffix } from "./suffix.js";

const SlError = z.object({ error: z.string() });
const unauthenticated = { description: "Missing, unknown, expired or revoked key", schema: SlError };
const notFound = { description: "No such alias of this account", schema: SlError };

/** The account's default recipient (the mailbox of aliases without recipients). */
export async function defaultRecipient(c: Context<AppEnv>): Promise<RecipientRow | null> {
  const [row] = await c.var.db.select({ r: recipients }).from(users).innerJoin(recipients, eq(recipients.id, users.defaultRecipientId))
    .where(and(eq(users.id, c.var.apiCaller.userId))).limit(1);
  return row?.r ?? null;
}

/** The note as a description: SimpleLogin notes may be long, our descriptions hold 200 characters. */
const noteToDescription = (note: string | null | undefined) => (note ? note.slice(0, 200) : null);

/** Registers the SimpleLogin alias routes. */
export function slAliasRoutes(api: ApiBuilder): void {
  const tag = "SimpleLogin";
  api.route({
    method: "post", path: "/api/alias/random/new", operationId: "slRandomAlias", tag, auth: "token",
    query: z.object({
      hostname: z.string().max(1000).optional().describe("the website (may arrive unencoded); accepted and not stored"),
      mode: z.enum(["word", "uuid"]).optional().describe("`word`: random words; `uuid`; absent: the account's default format"),
    }),
    body: z.object({ note: z.string().max(5000).nullish() }),
    summary: "Create a random alias on the account's default domain",
    responses: { 201: { description: "Created", schema: SlCreatedAlias }, 401: unauthenticated, 429: { description: "Hourly alias-creation limit reached", schema: SlError } },
  }, async (c, { query, body }) => {
    const userId = c.var.apiCaller.userId;
    const [options, [user]] = await Promise.all([
      domainOptions(c.var.db, userId),
      c.var.db.select({ domain: users.defaultAliasDomain }).from(users).where(eq(users.id, userId)).limit(1),
    ]);
    const domain = options.find((o) => o.domain === user?.domain)?.domain ?? options[0]?.domain;
    if (!domain) throw new ApiError("FORBIDDEN", "No domain is available for new aliases.");
    const format: AliasFormat | null = query.mode === "word" ? "random_words" : query.mode === "uuid" ? "uuid" : null;
    const created = await createAlias(c.var.db, userId, { domain, format, description: noteToDescription(body.note) }, nowSeconds(), { enforcePlan: true });
    return c.json(slCreatedJson(created, await defaultRecipient(c)), 201);
  });

  for (const version of ["v2", "v3"] as const) {
    api.route({
      method: "post", path: `/api/${version}/alias/custom/new`, operationId: `slCustomAlias${version}`, tag, auth: "token",
      query: z.object({ hostname: z.string().max(1000).optional() }),
      body: z.object({
        alias_prefix: z.string().min(1).max(64), signed_suffix: z.string().max(500),
        note: z.string().max(5000).nullish(), name: displayNameSchema().nullish(),
        mailbox_ids: z.array(z.string().max(64)).max(10).nullish().describe("recipient ids (v3); absent: the default recipient"),
      }),
      summary: `Create a custom alias from a prefix and a signed suffix (${version})`,
      responses: {
        201: { description: "Created", schema: SlCreatedAlias }, 401: unauthenticated,
        409: { description: "The alias exists already", schema: SlError },
        412: { description: "The signed suffix expired: fetch the options again", schema: SlError },
        422: { description: "Bad prefix or mailboxes", schema: SlError }, 429: { description: "Hourly limit", schema: SlError },
      },
    }, async (c, { body }) => {
      const userId = c.var.apiCaller.userId;
      const suffix = await readSuffix(c.var.config.appSecret, userId, body.signed_suffix, nowSeconds());
      if (!suffix.startsWith("@") || body.alias_prefix.includes("+")) throw new ApiError("VALIDATION", "alias_prefix is not valid", "alias_prefix");
      const created = await createAlias(c.var.db, userId, {
        domain: suffix.slice(1), format: "custom", localPart: body.alias_prefix, description: noteToDescription(body.note),
        fromName: body.name, recipientIds: body.mailbox_ids,
      }, nowSeconds(), { enforcePlan: true });
      return c.json(slCreatedJson(created, await defaultRecipient(c)), 201);
    });
  }

  for (const method of ["get", "post"] as const) {
    api.route({
      method, path: "/api/v2/aliases", operationId: `slListAliases${method === "get" ? "" : "Post"}`, tag, auth: "token",
      query: z.object({ page_id: z.coerce.number().int().min(0).max(100_000), pinned: z.string().optional(), disabled: z.string().optional(), enabled: z.string().optional() }),
      ...(method === "post" ? { body: z.object({ query: z.string().max(50).nullish() }) } : {}),
      summary: "Live aliases, 20 a page, newest first (page_id from 0; an empty page ends the list)",
      responses: { 200: { description: "One page", schema: z.object({ aliases: z.array(SlAlias) }) }, 401: unauthenticated },
    }, async (c, { query, body }) => {
      const search = (body as { query?: string | null } | undefined)?.query ?? undefined;
      const filter = query.pinned !== undefined ? { pinned: true } : query.disabled !== undefined ? { active: false } : query.enabled !== undefined ? { active: true } : {};
      const page = await listAliases(c.var.db, c.var.apiCaller.userId, { ...filter, search: search || undefined, page: query.page_id + 1, size: 20 });
      const fallback = await defaultRecipient(c);
      return c.json({ aliases: page.items.map((a) => slAliasJson(a, fallback)) });
    });
  }

  api.route({
    method: "get", path: "/api/aliases/{id}", operationId: "slGetAlias", tag, auth: "token", summary: "One alias",
    responses: { 200: { description: "The alias", schema: SlAlias }, 401: unauthenticated, 404: notFound },
  }, async (c, { id }) => c.json(slAliasJson(await getAlias(c.var.db, c.var.apiCaller.userId, id), await defaultRecipient(c))));

  api.route({
    method: "post", path: "/api/aliases/{id}/toggle", operationId: "slToggleAlias", tag, auth: "token",
    summary: "Flip enabled (any body is ignored)",
    responses: { 200: { description: "The new state", schema: z.object({ enabled: z.boolean() }) }, 401: unauthenticated, 404: notFound },
  }, async (c, { id }) => {
    const userId = c.var.apiCaller.userId;
    const { alias } = await getAlias(c.var.db, userId, id);
    if (alias.deletedAt) throw new ApiError("NOT_FOUND", "Alias not found");
    const after = await setAliasActive(c.var.db, userId, id, !alias.active, nowSeconds());
    return c.json({ enabled: after.alias.active });
  });

  const EditBody = z.object({
    note: z.string().max(5000).nullish(), name: displayNameSchema().nullish(), pinned: z.boolean().nullish(),
    disable_pgp: z.boolean().nullish(), mailbox_ids: z.array(z.string().max(64)).max(10).nullish(), mailbox_id: z.string().max(64).nullish(),
  });
  for (const method of ["put", "patch"] as const) {
    api.route({
      method, path: "/api/aliases/{id}", operationId: `slUpdateAlias${method === "put" ? "" : "Patch"}`, tag, auth: "token", body: EditBody,
      summary: "Edit note, name, pinned or mailboxes (what is absent stays)",
      responses: { 200: { description: "Done", schema: z.object({ ok: z.boolean() }) }, 401: unauthenticated, 404: notFound },
    }, async (c, { id, body }) => {
      const userId = c.var.apiCaller.userId;
      const now = nowSeconds();
      await getAlias(c.var.db, userId, id);
      if (body.note !== undefined || body.name !== undefined) {
        await updateAlias(c.var.db, userId, id, {
          ...(body.note !== undefined ? { description: noteToDescription(body.note) } : {}),
          ...(body.name !== undefined ? { fromName: body.name } : {}),
        }, now);
      }
      if (typeof body.pinned === "boolean") await setAliasPinned(c.var.db, userId, id, body.pinned, now);
      const boxes = body.mailbox_ids ?? (body.mailbox_id ? [body.mailbox_id] : null);
      if (boxes) await setAliasRecipients(c.var.db, userId, id, boxes, now);
      return c.json({ ok: true });
    });
  }

  api.route({
    method: "delete", path: "/api/aliases/{id}", operationId: "slDeleteAlias", tag, auth: "token",
    summary: "Delete an alias (mail to it is refused from then on)",
    responses: { 200: { description: "Deleted", schema: z.object({ deleted: z.boolean() }) }, 401: unauthenticated, 404: notFound },
  }, async (c, { id }) => {
    await deleteAlias(c.var.db, c.var.apiCaller.userId, id, nowSeconds());
    return c.json({ deleted: true });
  });
}
