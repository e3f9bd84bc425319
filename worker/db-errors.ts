/**
 * Recognising MySQL errors that come back through drizzle and the PlanetScale driver. drizzle wraps the
 * driver's `DatabaseError` in a `DrizzleQueryError` whose `cause` carries `(errno N)` in its message.
 */
import type { Db } from "../db/client.js";

/** The messages of an error and of its chain of causes. */
function messages(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    parts.push(e instanceof Error ? e.message : String(e));
  }
  return parts.join(" | ");
}

/** True when the statement failed on a unique index (MySQL errno 1062, ER_DUP_ENTRY). */
export function isDuplicateKey(err: unknown): boolean {
  return /\(errno 1062\)|Duplicate entry/.test(messages(err));
}

/**
 * True when a transaction was rolled back by the server because of a conflict with another one and may
 * simply be run again: deadlock (errno 1213, ER_LOCK_DEADLOCK) or lock wait timeout (errno 1205).
 */
export function isTransactionConflict(err: unknown): boolean {
  return /\(errno (1213|1205)\)|Deadlock found|Lock wait timeout/.test(messages(err));
}

/**
 * Runs `work` (a whole transaction) again when the server rolled it back for a conflict, up to
 * `attempts` times in all, with a short random pause; other errors pass through at once.
 */
export async function retryOnConflict<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= attempts || !isTransactionConflict(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
    }
  }
}

/** The transaction handle drizzle gives to a {@link transaction}'s `work`. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * `db.transaction(work)`, run again from the start when the server rolled it back for a conflict with
 * another transaction ({@link retryOnConflict}: deadlock 1213, lock wait timeout 1205). Every
 * transaction of the Worker goes through here: any two may take row locks in different orders (a plan
 * change locks the user and then its aliases; a batch of bridge events its aliases and then their
 * owners), and InnoDB then rolls one of them back. `work` must have no effects outside `tx`.
 * @returns what `work` returns
 * @throws what `work` throws; the conflict error after the last attempt
 */
export function transaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return retryOnConflict(() => db.transaction(work));
}

/** True when the database is unreachable or overloaded rather than the query being wrong. */
export function isDatabaseUnavailable(err: unknown): boolean {
  return /errno (1040|1053|2002|2003|2006|2013)\b|fetch failed|ECONNREFUSED|network connection lost|unavailable/i.test(messages(err));
}

/** `Date` truncated to whole seconds, as DATETIME(0) stores it on both MySQL 8 (which would round) and MariaDB (which truncates). */
export function nowSeconds(date: Date = new Date()): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
