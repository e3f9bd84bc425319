/**
 * SimpleLogin's account routes: `user_info` (clients use it to check a key), `alias/options` v4 and v5
 * (the suffixes a custom alias may end in, signed: suffix.ts) and `mailboxes` (our recipients).
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { domainOptions } from "../../../accounts/domains.js";
import { listRecipients } from "../../../accounts/recipients.js";
import { nowSeconds } from "../../../db-errors.js";
import { plans, recipients, usernames, users } from "../../../../db/schema/index.js";
import { limitsOf } from "../../../plans/plans.js";
import type { ApiBuilder } from "../define.js";
import { signSuffix } from "./suffix.js";

const SlError = z.object({ error: z.string() });
const unauthenticated = { description: "Missing, unknown, expired or revoked key", schema: SlError };

/** A prefix suggestion from a website: its first label that is not `www`, letters and digits only. */
export function prefixSuggestion(hostname: string | undefined): string {
  if (!hostname) return "";
  const host = hostname.replace(/^[a-z]+:\/\//i, "").split(/[/:?#]/)[0] ?? "";
  const label = host.toLowerCase().split(".").find((l) => l && l !== "www") ?? "";
  return label.replace(/[^a-z0-9]/g, "").slice(0, 40);
}

/** Registers the SimpleLogin account routes. */
export function slAccountRoutes(api: ApiBuilder): void {
  const tag = "SimpleLogin";
  api.route({
    method: "get", path: "/api/user_info", operationId: "slUserInfo", tag, auth: "token",
    summary: "Who the key belongs to",
    responses: {
      200: {
        description: "The account",
        schema: z.object({
          name: z.string(), email: z.string(), is_premium: z.boolean(), in_trial: z.boolean(), profile_picture_url: z.null(),
          max_alias_free_plan: z.number().int().nullable(), connected_proton_address: z.null(), can_create_reverse_alias: z.boolean(),
        }),
      },
      401: unauthenticated,
    },
  }, async (c) => {
    const [row] = await c.var.db.select({ username: usernames.username, email: recipients.email, plan: plans, fromName: users.fromName })
      .from(users).leftJoin(usernames, eq(usernames.id, users.defaultUsernameId)).leftJoin(recipients, eq(recipients.id, users.defaultRecipientId))
      .leftJoin(plans, eq(plans.name, users.plan))
      .where(eq(users.id, c.var.apiCaller.userId)).limit(1);
    return c.json({
      name: row?.fromName ?? row?.username ?? "", email: row?.email ?? "", is_premium: limitsOf(row?.plan).paid, in_trial: false,
      profile_picture_url: null, max_alias_free_plan: null, connected_proton_address: null, can_create_reverse_alias: true,
    });
  });

  const HostnameQuery = z.object({ hostname: z.string().max(1000).optional() });
  for (const version of ["v4", "v5"] as const) {
    const suffixSchema = version === "v4"
      ? z.array(z.tuple([z.string(), z.string()])).describe("[suffix, signed_suffix] pairs")
      : z.array(z.object({ suffix: z.string(), signed_suffix: z.string(), is_custom: z.boolean(), is_premium: z.boolean() }));
    api.route({
      method: "get", path: `/api/${version}/alias/options`, operationId: `slAliasOptions${version}`, tag, auth: "token", query: HostnameQuery,
      summary: `Suffixes for a custom alias (${version}); each signed suffix is valid for 10 minutes`,
      responses: {
        200: { description: "Options", schema: z.object({ can_create: z.boolean(), prefix_suggestion: z.string(), suffixes: suffixSchema }) },
        401: unauthenticated,
      },
    }, async (c, { query }) => {
      const userId = c.var.apiCaller.userId;
      const now = nowSeconds();
      const options = await domainOptions(c.var.db, userId);
      const signed = await Promise.all(options.map(async (o) => ({
        suffix: `@${o.domain}`, signed_suffix: await signSuffix(c.var.config.appSecret, userId, `@${o.domain}`, now), is_custom: o.kind !== "shared", is_premium: o.paidOnly,
      })));
      return c.json({
        can_create: options.length > 0,
        prefix_suggestion: prefixSuggestion(query.hostname),
        suffixes: version === "v4" ? signed.map((s) => [s.suffix, s.signed_suffix]) : signed,
      });
    });
  }

  api.route({
    method: "get", path: "/api/mailboxes", operationId: "slMailboxes", tag, auth: "token",
    summary: "The account's recipients as mailboxes",
    responses: {
      200: {
        description: "Mailboxes",
        schema: z.object({ mailboxes: z.array(z.object({ id: z.string(), email: z.string(), verified: z.boolean(), default: z.boolean(), creation_timestamp: z.number().int(), nb_alias: z.number().int() })) }),
      },
      401: unauthenticated,
    },
  }, async (c) => {
    const userId = c.var.apiCaller.userId;
    const [views, [user]] = await Promise.all([
      listRecipients(c.var.db, userId, { withAliasCount: true }),
      c.var.db.select({ defaultId: users.defaultRecipientId }).from(users).where(eq(users.id, userId)).limit(1),
    ]);
    return c.json({
      mailboxes: views.map(({ recipient, aliasCount }) => ({
        id: recipient.id, email: recipient.email, verified: recipient.emailVerifiedAt !== null, default: recipient.id === user?.defaultId,
        creation_timestamp: Math.floor(recipient.createdAt.getTime() / 1000), nb_alias: aliasCount ?? 0,
      })),
    });
  });
}
