/**
 * Bulk actions on up to 25 aliases at once (addy.io's `/aliases/{action}/bulk`). Ids that are not the
 * user's are skipped silently; when none of them is, the result is NOT_FOUND.
 */
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { aliases } from "../../db/schema/index.js";
import { ApiError } from "../errors.js";
import { forgetAlias, setRecipientsOf, switchOnAliases } from "./alias-state.js";

export const BULK_ACTIONS = ["activate", "deactivate", "pin", "unpin", "delete", "restore", "forget"] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** At most this many ids per bulk request. */
export const MAX_BULK_IDS = 25;

const PAST: Record<BulkAction, string> = {
  activate: "activated", deactivate: "deactivated", pin: "pinned", unpin: "unpinned",
  delete: "deleted", restore: "restored", forget: "forgotten",
};

/** The outcome of a bulk action: addy.io's message and the ids acted on. */
export interface BulkResult {
  message: string;
  ids: string[];
}

const summary = (n: number, what: string): string => `${n} alias${n === 1 ? "" : "es"} ${what} successfully`;

/**
 * Applies `action` to those of `ids` that belong to `userId`.
 * @throws ApiError NOT_FOUND (none of the ids is the user's); VALIDATION with `ids` when activating
 *   aliases that are all deleted; FORBIDDEN when the plan does not allow them all active
 */
export async function bulkAliasAction(db: Db, userId: string, action: BulkAction, ids: string[], now: Date): Promise<BulkResult> {
  const rows = await ownedAliases(db, userId, ids);
  if (rows.length === 0) throw new ApiError("NOT_FOUND", "No aliases found");
  const live = rows.filter((r) => !r.deletedAt).map((r) => r.id);
  const all = rows.map((r) => r.id);
  const scope = and(eq(aliases.userId, userId), inArray(aliases.id, all));
  let acted = all;
  switch (action) {
    case "activate":
      if (live.length === 0) throw new ApiError("VALIDATION", "You need to restore these aliases before you can activate them.", "ids", { extra: { ids: all } });
      acted = live;
      await switchOnAliases(db, userId, live, "activate", now);
      break;
    case "deactivate":
      await db.update(aliases).set({ active: false, deactivatedByPlan: false, updatedAt: now }).where(scope);
      break;
    case "pin":
    case "unpin":
      await db.update(aliases).set({ pinned: action === "pin", updatedAt: now }).where(scope);
      break;
    case "delete":
      acted = live;
      if (live.length > 0) await db.update(aliases).set({ deletedAt: now, active: false, updatedAt: now }).where(and(scope, isNull(aliases.deletedAt)));
      break;
    case "restore":
      acted = rows.filter((r) => r.deletedAt).map((r) => r.id);
      await switchOnAliases(db, userId, acted, "restore", now);
      break;
    case "forget":
      for (const id of all) await forgetAlias(db, userId, id, now);
      break;
  }
  return { message: summary(acted.length, PAST[action]), ids: acted };
}

/**
 * Replaces the recipients of those of `ids` that belong to `userId`.
 * @throws ApiError NOT_FOUND; VALIDATION naming `recipient_ids`
 */
export async function bulkSetRecipients(db: Db, userId: string, ids: string[], recipientIds: string[], now: Date): Promise<BulkResult> {
  const all = (await ownedAliases(db, userId, ids)).map((r) => r.id);
  if (all.length === 0) throw new ApiError("NOT_FOUND", "No aliases found");
  await setRecipientsOf(db, userId, all, recipientIds, now);
  return { message: `recipients updated for ${all.length} alias${all.length === 1 ? "" : "es"} successfully`, ids: all };
}

type OwnedAlias = Pick<typeof aliases.$inferSelect, "id" | "deletedAt" | "active" | "domainId" | "usernameId">;

async function ownedAliases(db: Db, userId: string, ids: string[]): Promise<OwnedAlias[]> {
  const unique = [...new Set(ids)].slice(0, MAX_BULK_IDS);
  if (unique.length === 0) return [];
  return db.select({ id: aliases.id, deletedAt: aliases.deletedAt, active: aliases.active, domainId: aliases.domainId, usernameId: aliases.usernameId }).from(aliases)
    .where(and(eq(aliases.userId, userId), inArray(aliases.id, unique)));
}
