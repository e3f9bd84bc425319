/**
 * The database client the Worker uses: drizzle over PlanetScale's HTTP driver, with the whole schema.
 * Runs in workerd and in Node 20 (fetch only, no Node APIs).
 *
 * drizzle's planetscale-serverless driver always builds its relational queries in `"planetscale"` mode
 * (subqueries with JSON aggregation instead of lateral joins). Of those, MariaDB 10.11 (the local
 * database) runs only `many` relations without `orderBy`/`limit`: `one` relations and ordered or limited
 * `many` relations become derived tables with outer references, which MariaDB rejects with errno 1054
 * while MySQL 8 accepts them. Use joins there (test/db/drizzle.test.ts shows both).
 *
 * The schema's DATETIME columns hold whole seconds; drizzle sends milliseconds, which MySQL 8 rounds and
 * MariaDB truncates, so pass whole-second Dates where the stored value matters.
 */
import { Client } from "@planetscale/database";
import { drizzle } from "drizzle-orm/planetscale-serverless";
import { castValue } from "./cast.js";
import * as schema from "./schema/index.js";

/**
 * Creates a client for `url`.
 *
 * @param url `https://user:pass@aws.connect.psdb.cloud` in production, `http://user:pass@127.0.0.1:PORT`
 *   for the local simulator (db/simulator). A bare host would force https, so always pass the full URL.
 * @returns a drizzle database; `db.$client` is the underlying `@planetscale/database` Client, whose
 *   values are cast by ./cast.ts (the driver's cast with an ASCII shortcut).
 *   Query errors arrive as drizzle's `DrizzleQueryError` whose `cause` is the driver's `DatabaseError`
 *   (its message carries MySQL's errno, e.g. `(errno 1062)`).
 * @example
 *   const db = createDb(env.DATABASE_URL);
 *   const alias = await db.query.aliases.findFirst({ where: (a, { eq }) => eq(a.email, rcpt) });
 */
export function createDb(url: string) {
  return drizzle({ client: new Client({ url, fetch: fetchWithoutCache, cast: castValue }), schema });
}

/** The drizzle database {@link createDb} returns. */
export type Db = ReturnType<typeof createDb>;

type FetchInit = { method: string; headers: Record<string, string>; body: string; cache?: unknown };

/**
 * The driver passes `cache: "no-store"` to fetch; workerd without the `cache_option_enabled` flag throws
 * "The 'cache' field on 'RequestInitializerDict' is not implemented" (cloudflare/workerd#698), so it is
 * dropped. Responses to POST are never cached anyway.
 */
function fetchWithoutCache(input: string, init?: FetchInit): Promise<Response> {
  if (!init) return fetch(input);
  const { cache: _cache, ...rest } = init;
  return fetch(input, rest);
}
