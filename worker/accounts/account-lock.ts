/**
 * One account's limited changes, one at a time. A plan limit checked by counting rows and then inserting
 * is a race: twelve parallel `POST /api/v1/aliases` all counted 2 of 3 and all inserted. So every
 * creation, activation or restore that a limit counts (plan limits, worker/plans/enforce.ts; the hourly
 * alias cap and the verification-mail budget, which live in `rate_limits`) runs through
 * {@link withAccountLock}: one transaction that first locks the account's `users` row with
 * `SELECT … FOR UPDATE`, then counts, then writes. A second request for the same account waits at the
 * lock until the first commits or rolls back, and then counts the first one's row. Accounts do not wait
 * for each other.
 *
 * `SELECT … FOR UPDATE` inside `BEGIN … COMMIT` is plain InnoDB row locking: MySQL 8 (PlanetScale runs it
 * behind Vitess, which passes locking reads through in a transaction) and MariaDB 10.11 accept the same
 * statement. A counter bumped inside the transaction (`rate_limits`) is rolled back with it, so a
 * creation that fails (a taken address, a refusal) uses up nothing.
 */
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { users } from "../../db/schema/index.js";
import { transaction } from "../db-errors.js";
import { ApiError } from "../errors.js";

/** What a statement can run on: the database or an open transaction. */
export type Executor = Pick<Db, "select" | "insert" | "update" | "delete">;

declare const locked: unique symbol;
/**
 * A transaction that holds its account's row lock. Only {@link withAccountLock} makes one, so a limit
 * check that takes it (worker/plans/enforce.ts) cannot be called outside the lock by mistake.
 */
export type LockedTx = Executor & { readonly [locked]: true };

/**
 * Runs `work` in a transaction holding the row lock of account `userId`. Everything `work` writes through
 * `tx` commits together, or (when it throws) not at all. Run again from the start when the server picks
 * the transaction as a deadlock victim (db-errors.ts transaction), so `work` must have no effects
 * outside `tx`.
 * @returns what `work` returns
 * @throws ApiError NOT_FOUND when the account does not exist; whatever `work` throws
 */
export async function withAccountLock<T>(db: Db, userId: string, work: (tx: LockedTx) => Promise<T>): Promise<T> {
  return transaction(db, async (tx) => {
    const [row] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for("update");
    if (!row) throw new ApiError("NOT_FOUND", "No such account");
    return work(tx as unknown as LockedTx);
  });
}
