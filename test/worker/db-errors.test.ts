/**
 * Recognising MySQL errors through drizzle's wrapping, and re-running transactions the server rolled back
 * for a conflict. The error objects are shaped as the PlanetScale driver produces them (errno in the
 * message, wrapped in drizzle's error as `cause`).
 */
import { describe, expect, it } from "vitest";
import { isDuplicateKey, isTransactionConflict, retryOnConflict } from "../../worker/db-errors.js";

const driverError = (errno: number, text: string) =>
  new Error("Failed query: update ...", { cause: new Error(`target: x: vttablet: rpc error: ${text} (errno ${errno}) (sqlstate 40001)`) });

describe("database error helpers", () => {
  it("see the errno inside drizzle's wrapper", () => {
    expect(isDuplicateKey(driverError(1062, "Duplicate entry 'a' for key 'b'"))).toBe(true);
    expect(isTransactionConflict(driverError(1213, "Deadlock found when trying to get lock"))).toBe(true);
    expect(isTransactionConflict(driverError(1205, "Lock wait timeout exceeded"))).toBe(true);
    expect(isTransactionConflict(driverError(1062, "Duplicate entry"))).toBe(false);
  });

  it("re-run a transaction after a deadlock, up to three times, and let other errors through at once", async () => {
    let calls = 0;
    const ok = await retryOnConflict(async () => {
      calls++;
      if (calls < 3) throw driverError(1213, "Deadlock found");
      return "done";
    });
    expect([ok, calls]).toEqual(["done", 3]);

    calls = 0;
    await expect(retryOnConflict(async () => { calls++; throw driverError(1213, "Deadlock found"); })).rejects.toThrow(/Failed query/);
    expect(calls).toBe(3);

    calls = 0;
    await expect(retryOnConflict(async () => { calls++; throw driverError(1062, "Duplicate entry"); })).rejects.toThrow();
    expect(calls).toBe(1);
  });
});
