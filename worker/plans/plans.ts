/**
 * Plans as data (db/schema/plans.ts): reading them, and the operator's edits (`npm run admin --
 * plan:set`). Limits are read from the database on every request and every RCPT, never cached, so an
 * edit or a user's plan change takes effect at once everywhere.
 */
import { asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { plans, users } from "../../db/schema/index.js";
import { ApiError } from "../errors.js";

export type PlanRow = typeof plans.$inferSelect;

/** The numeric limits of a plan (null: unlimited), as stored and as the admin API names them. */
export const LIMIT_KEYS = [
  "bandwidthBytes", "sharedDomainAliases", "recipients", "customDomains", "usernames", "rules", "repliesPerDay", "aliasesPerHour",
] as const;
export type LimitKey = (typeof LIMIT_KEYS)[number];

/** A plan's limits and whether it is paid: what the rest of the Worker needs of a plan. */
export type PlanLimits = Pick<PlanRow, "name" | "paid" | LimitKey>;

/**
 * What an account gets when its `users.plan` names no plan row (an operator typo made in SQL; the
 * admin API refuses unknown plans): the seeded free plan's limits, never more.
 */
export const FALLBACK_PLAN: PlanLimits = {
  name: "free", paid: false, bandwidthBytes: 10 * 1024 * 1024, sharedDomainAliases: 10, recipients: 1, customDomains: 0,
  usernames: 0, rules: 0, repliesPerDay: 0, aliasesPerHour: 10,
};

/** `row` when present, else {@link FALLBACK_PLAN}. */
export const limitsOf = (row: PlanLimits | null | undefined): PlanLimits => row ?? FALLBACK_PLAN;

/** Every plan, by name. */
export async function listPlans(db: Db): Promise<PlanRow[]> {
  return db.select().from(plans).orderBy(asc(plans.name));
}

/** The plan `name`. @throws ApiError NOT_FOUND naming the plans that exist */
export async function getPlan(db: Db, name: string): Promise<PlanRow> {
  const [row] = await db.select().from(plans).where(eq(plans.name, name)).limit(1);
  if (row) return row;
  const names = (await listPlans(db)).map((p) => p.name);
  throw new ApiError("NOT_FOUND", `no plan ${name} (plans: ${names.join(", ")})`, "plan");
}

/** The plan of account `userId` (one query; the fallback when its plan row is missing). */
export async function planOfUser(db: Pick<Db, "select">, userId: string): Promise<PlanLimits> {
  const [row] = await db.select({ plan: plans }).from(users).leftJoin(plans, eq(plans.name, users.plan)).where(eq(users.id, userId)).limit(1);
  return limitsOf(row?.plan);
}

/** Changes to a plan: each limit a number or null (unlimited); absent: unchanged. */
export type PlanChanges = Partial<Pick<PlanRow, "paid" | LimitKey>>;

/**
 * Applies `changes` to plan `name`.
 * @returns the plan as it is now
 * @throws ApiError NOT_FOUND (no such plan)
 */
export async function updatePlan(db: Db, name: string, changes: PlanChanges, now: Date): Promise<PlanRow> {
  await getPlan(db, name);
  if (Object.keys(changes).length > 0) await db.update(plans).set({ ...changes, updatedAt: now }).where(eq(plans.name, name));
  return getPlan(db, name);
}

/** The start of the UTC calendar month that contains `now` (the bandwidth period). */
export function monthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/**
 * Bytes an account used this month: its counter, or 0 when the counter belongs to an earlier month
 * (the monthly reset has not reached it yet).
 */
export function bandwidthThisMonth(user: { bandwidth: number; bandwidthResetAt: Date | null }, now: Date): number {
  if (!user.bandwidthResetAt) return user.bandwidth;
  return user.bandwidthResetAt >= monthStart(now) ? user.bandwidth : 0;
}
