/**
 * addy.io's account routes: `domain-options`, `account-details`, `api-token-details`, `app-version`,
 * `chart-data`. Clients gate on these (the mobile apps refuse an instance whose app-version is below
 * their minimum; iOS needs every domain-options field non-null), so the defaults are always filled.
 */
import { z } from "zod";
import { accountSummary, chartData } from "../../../accounts/account.js";
import { domainOptions } from "../../../accounts/domains.js";
import { getApiToken } from "../../../accounts/tokens.js";
import { users } from "../../../../db/schema/index.js";
import { eq } from "drizzle-orm";
import { nowSeconds } from "../../../db-errors.js";
import type { ApiBuilder } from "../define.js";
import { unauthenticated } from "./common.js";
import { dateTime, userJson } from "./serializers.js";
import { DateTime, User, dataOf } from "./schemas.js";

/**
 * The addy.io API version this server is compatible with, as `app-version` reports it. The Android app
 * needs ≥ 1.5.0 and the iOS app ≥ 1.6.2 from a self-hosted instance; this is the release whose
 * `/api/v1` contract (docs: shared/reference/addy-api-v1.md) these routes follow.
 */
export const ADDY_API_VERSION = { major: 1, minor: 6, patch: 2 } as const;

const DomainOptions = z.object({
  data: z.array(z.string()).describe("shared domains, custom domains, then username subdomains"),
  sharedDomains: z.array(z.string()),
  defaultAliasDomain: z.string(),
  defaultAliasFormat: z.string(),
});

const DAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** Registers the account routes. */
export function accountRoutes(api: ApiBuilder): void {
  const tag = "Account";
  api.route({
    method: "get", path: "/api/v1/domain-options", operationId: "domainOptions", tag, auth: "token",
    summary: "Domains new aliases may use, and the defaults",
    responses: { 200: { description: "Options", schema: DomainOptions }, 401: unauthenticated },
  }, async (c) => {
    const userId = c.var.apiCaller.userId;
    const [options, [user]] = await Promise.all([
      domainOptions(c.var.db, userId),
      c.var.db.select({ domain: users.defaultAliasDomain, format: users.defaultAliasFormat }).from(users).where(eq(users.id, userId)).limit(1),
    ]);
    const names = options.map((o) => o.domain);
    const body: z.infer<typeof DomainOptions> = {
      data: names,
      sharedDomains: options.filter((o) => o.kind === "shared").map((o) => o.domain),
      defaultAliasDomain: names.find((d) => d === user?.domain) ?? names[0] ?? "",
      defaultAliasFormat: user?.format ?? "random_characters",
    };
    return c.json(body);
  });

  api.route({
    method: "get", path: "/api/v1/account-details", operationId: "accountDetails", tag, auth: "token",
    summary: "The account, its settings and its counts",
    responses: { 200: { description: "The account", schema: dataOf(User) }, 401: unauthenticated },
  }, async (c) => c.json({ data: userJson(await accountSummary(c.var.db, c.var.apiCaller.userId), "") }));

  api.route({
    method: "get", path: "/api/v1/api-token-details", operationId: "apiTokenDetails", tag, auth: "token",
    summary: "The token this request uses",
    responses: { 200: { description: "The token", schema: z.object({ name: z.string(), created_at: DateTime, expires_at: DateTime.nullable() }) }, 401: unauthenticated },
  }, async (c) => {
    const token = await getApiToken(c.var.db, c.var.apiCaller.userId, c.var.apiCaller.tokenId);
    return c.json({ name: token.name, created_at: dateTime(token.createdAt), expires_at: token.expiresAt ? dateTime(token.expiresAt) : null });
  });

  api.route({
    method: "get", path: "/api/v1/app-version", operationId: "appVersion", tag, auth: "token",
    summary: "The addy.io API version this server is compatible with",
    responses: { 200: { description: "Version", schema: z.object({ version: z.string(), major: z.number().int(), minor: z.number().int(), patch: z.number().int() }) }, 401: unauthenticated },
  }, (c) => {
    const v = ADDY_API_VERSION;
    return c.json({ version: `${v.major}.${v.minor}.${v.patch}`, major: v.major, minor: v.minor, patch: v.patch });
  });

  api.route({
    method: "get", path: "/api/v1/chart-data", operationId: "chartData", tag, auth: "token",
    summary: "Forwards, replies and sends of the last seven days (UTC, today last)",
    responses: {
      200: {
        description: "Seven values per series; `outboundMessageTotals` is [forwards, replies, sends] over the seven days",
        schema: z.object({
          forwardsData: z.array(z.number().int()), repliesData: z.array(z.number().int()), sendsData: z.array(z.number().int()),
          labels: z.array(z.string()), outboundMessageTotals: z.array(z.number().int()),
        }),
      },
      401: unauthenticated,
    },
  }, async (c) => {
    const chart = await chartData(c.var.db, c.var.apiCaller.userId, nowSeconds());
    const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    return c.json({
      forwardsData: chart.forwarded, repliesData: chart.replied, sendsData: chart.sent,
      labels: chart.days.map((d) => DAY_NAMES[new Date(`${d}T00:00:00Z`).getUTCDay()]!),
      outboundMessageTotals: [total(chart.forwarded), total(chart.replied), total(chart.sent)],
    });
  });
}
