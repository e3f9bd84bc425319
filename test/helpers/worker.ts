/**
 * A real Worker (workerd via wrangler) over a fresh MariaDB database behind the PlanetScale simulator,
 * plus a signed client for its internal API. One per test file.
 */
import { signRequest } from "../../common/signature.js";
import type { Db } from "../../db/client.js";
import { type LocalWorker, startLocalWorker } from "../../scripts/stack/worker.js";
import { createTestDatabase } from "./database.js";

export const SECRETS = { mx1: "mx1-test-secret-0123456789", mx2: "mx2-test-secret-0123456789", admin: "admin-test-secret-0123456789" } as const;

export interface TestWorker {
  url: string;
  /** Drizzle over the same simulator, for arranging rows and checking effects. */
  db: Db;
  worker: LocalWorker;
  /** A signed POST as `node` (default mx1) to `path`; returns status and JSON body. */
  call<T = unknown>(path: string, body: unknown, node?: keyof typeof SECRETS): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/**
 * @param vars extra Worker bindings (e.g. `LOGIN_LIMIT_PER_ACCOUNT`, `DOH_URL`), as plain text
 * @param port 0 for any free port; a fixed one when APP_URL must name it
 */
export async function startTestWorker(vars: Record<string, string> = {}, port = 0): Promise<TestWorker> {
  const database = await createTestDatabase();
  let worker: LocalWorker;
  try {
    worker = await startLocalWorker({
      DATABASE_URL: database.psUrl,
      BRIDGE_SECRETS: `mx1=${SECRETS.mx1},mx2=${SECRETS.mx2}`,
      ADMIN_SECRET: SECRETS.admin,
      ...vars,
    }, port);
  } catch (err) {
    await database.close();
    throw err;
  }
  return {
    url: worker.url,
    db: database.db,
    worker,
    async call<T>(path: string, body: unknown, node: keyof typeof SECRETS = "mx1") {
      const json = JSON.stringify(body);
      const headers = await signRequest(node, SECRETS[node], "POST", path, json);
      const res = await fetch(`${worker.url}${path}`, { method: "POST", body: json, headers: { ...headers, "content-type": "application/json" } });
      return { status: res.status, body: (await res.json()) as T };
    },
    async close() {
      await worker.stop();
      await database.close();
    },
  };
}
