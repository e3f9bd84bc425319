/**
 * Applies the SQL migrations in db/migrations (made by `npm run db:generate`) with drizzle-orm's mysql2
 * migrator. Node only.
 *
 * CLI (`npm run db:migrate`, i.e. `tsx db/migrate.ts`): migrates `DATABASE_URL` (`mysql://…/db`),
 * creating the database when missing; without it, database `veilmail` on the server db/local.ts finds.
 * Applied migrations are recorded in `__drizzle_migrations`, so a second run is a no-op.
 *
 * A failure is loud: the CLI prints the SQL error (errno, sqlstate, statement) and exits 1. MySQL DDL is
 * not transactional, so a migration that failed half-way stays half-applied and must be repaired by hand
 * before the next run (TESTING.md, "drizzle-kit on MariaDB").
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import { drizzle } from "drizzle-orm/mysql2";
import { migrate as drizzleMigrate } from "drizzle-orm/mysql2/migrator";
import { ensureDatabase, findServer, serverUrlOf } from "./local.js";
import { openConnection } from "./mysql.js";

const MIGRATIONS_FOLDER = fileURLToPath(new URL("./migrations", import.meta.url));

/** Error thrown by {@link migrate}; `cause` is mysql2's error. */
export class MigrationError extends Error {
  override name = "MigrationError";
}

/**
 * Applies every migration not yet recorded in `__drizzle_migrations` of the database in `mysqlUrl`.
 *
 * @param mysqlUrl `mysql://user:pass@host:port/db`; the database must exist.
 * @throws MigrationError whose message carries MySQL's message, errno, sqlstate and the failing statement.
 * @example await migrate("mysql://root@127.0.0.1:3306/veilmail");
 */
export async function migrate(mysqlUrl: string): Promise<void> {
  const conn = await openConnection(mysqlUrl);
  try {
    await drizzleMigrate(drizzle({ client: conn }), { migrationsFolder: MIGRATIONS_FOLDER });
  } catch (err) {
    throw describe(err);
  } finally {
    await conn.end();
  }
}

function describe(err: unknown): MigrationError {
  const wrapper = err as { query?: string; cause?: unknown; message?: string };
  const sqlErr = (wrapper.cause ?? err) as { message?: string; errno?: number; sqlState?: string };
  const parts = [`migration failed: ${sqlErr.message ?? String(err)}`];
  if (sqlErr.errno !== undefined) parts[0] += ` (errno ${sqlErr.errno}) (sqlstate ${sqlErr.sqlState ?? "?"})`;
  if (wrapper.query) parts.push(`statement: ${wrapper.query.trim()}`);
  parts.push("MySQL DDL is not transactional: this migration may be half-applied; repair it before re-running.");
  return new MigrationError(parts.join("\n"), { cause: err });
}

/** The CLI: picks the database (see the file's docstring), creates it if missing, migrates. */
async function main(): Promise<void> {
  const fromEnv = process.env.DATABASE_URL;
  let url: string;
  if (fromEnv) {
    const name = decodeURIComponent(new URL(fromEnv).pathname.replace(/^\//, ""));
    if (!name) throw new Error("DATABASE_URL must name a database: mysql://user:pass@host:port/db");
    await ensureDatabase(serverUrlOf(fromEnv), name);
    url = fromEnv;
  } else {
    const server = await findServer();
    url = await ensureDatabase(server.serverUrl, "veilmail");
  }
  await migrate(url);
  const shown = new URL(url);
  if (shown.password) shown.password = "***";
  console.log(`migrations applied to ${shown.toString()}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
