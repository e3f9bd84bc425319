/**
 * The aliases page's URL query (`?q=&status=&sort=&dir=&page=`) to and from the service's list query.
 * Anything unknown falls back to the default, so a hand-edited URL never errors.
 */
import type { AliasListQuery, AliasSortField } from "../../../accounts/alias-list.js";

/** Aliases per page: small enough that a page stays well under 60 KB. */
export const PAGE_SIZE = 25;

export const STATUSES = [["", "All (not deleted)"], ["active", "Active"], ["inactive", "Inactive"], ["deleted", "Deleted"]] as const;
export const SORTS = [["created", "Created"], ["last_used", "Last used"], ["forwarded", "Forwarded count"]] as const;

const SORT_FIELD: Record<string, AliasSortField> = { created: "created_at", last_used: "last_used", forwarded: "emails_forwarded" };

/** The page's own view of the query. */
export interface ListParams {
  q: string;
  status: "" | "active" | "inactive" | "deleted";
  sort: "created" | "last_used" | "forwarded";
  dir: "desc" | "asc";
  page: number;
}

/** Reads the URL query. */
export function readParams(query: Record<string, string | undefined>): ListParams {
  const status = STATUSES.some(([v]) => v === query.status) ? (query.status as ListParams["status"]) : "";
  const sort = SORTS.some(([v]) => v === query.sort) ? (query.sort as ListParams["sort"]) : "created";
  const page = Math.max(1, Math.min(100_000, Number.parseInt(query.page ?? "1", 10) || 1));
  return { q: (query.q ?? "").trim().slice(0, 100), status, sort, dir: query.dir === "asc" ? "asc" : "desc", page };
}

/** The service query for these params. */
export function toListQuery(p: ListParams): AliasListQuery {
  const filter: Partial<AliasListQuery> =
    p.status === "active" ? { active: true, deleted: "without" }
    : p.status === "inactive" ? { active: false, deleted: "without" }
    : p.status === "deleted" ? { deleted: "only" }
    : { deleted: "without" };
  const sort = p.sort === "created" && p.dir === "desc" ? undefined : { field: SORT_FIELD[p.sort]!, descending: p.dir === "desc" };
  return { ...filter, search: p.q || undefined, sort, page: p.page, size: PAGE_SIZE };
}

/** `/aliases?...` for `p` with `change` applied (defaults left out of the URL). */
export function listUrl(p: ListParams, change: Partial<ListParams> = {}): string {
  const next = { ...p, ...change };
  const qs = new URLSearchParams();
  if (next.q) qs.set("q", next.q);
  if (next.status) qs.set("status", next.status);
  if (next.sort !== "created") qs.set("sort", next.sort);
  if (next.dir !== "desc") qs.set("dir", next.dir);
  if (next.page > 1) qs.set("page", String(next.page));
  const s = qs.toString();
  return s ? `/aliases?${s}` : "/aliases";
}

/** A `back` field posted by the list's forms: only a path on the aliases page is followed. */
export function backTo(value: unknown): string {
  return typeof value === "string" && /^\/aliases(\?[\x21-\x7e]*)?$/.test(value) ? value : "/aliases";
}
