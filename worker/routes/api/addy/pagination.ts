/**
 * Laravel's paginator envelope (`links` + `meta`), as addy.io's list routes return it. Page links use
 * `page[number]` and keep the request's other query parameters; `meta.links` is Laravel's page window
 * (every page up to 13, else the first two, the current ±3 and the last two, with "..." between).
 */
import type { Context } from "hono";
import type { z } from "zod";
import type { paginated } from "./schemas.js";

type Envelope = Omit<z.infer<ReturnType<typeof paginated>>, "data">;

function pageUrl(c: Context, page: number): string {
  const url = new URL(c.req.url);
  const params = new URLSearchParams();
  new URLSearchParams(url.search).forEach((value, key) => {
    if (!/^page\[number\]/.test(key)) params.append(key, value);
  });
  params.set("page[number]", String(page));
  return `${url.origin}${c.req.path}?${params.toString()}`;
}

function window(current: number, last: number): (number | "...")[] {
  if (last <= 13) return Array.from({ length: last }, (_, i) => i + 1);
  const pages = new Set<number>([1, 2, last - 1, last]);
  for (let p = Math.max(1, current - 3); p <= Math.min(last, current + 3); p++) pages.add(p);
  const sorted = [...pages].sort((a, b) => a - b);
  return sorted.flatMap((p, i) => (i > 0 && p - sorted[i - 1]! > 1 ? ["..." as const, p] : [p]));
}

/**
 * The envelope for `count` items shown on `page` (1-based) of `size`, out of `total`.
 * @example { data: items.map(aliasJson), ...pageEnvelope(c, 2, 100, 250, items.length) }
 */
export function pageEnvelope(c: Context, page: number, size: number, total: number, count: number): Envelope {
  const lastPage = Math.max(1, Math.ceil(total / size));
  const from = count > 0 ? (page - 1) * size + 1 : null;
  const prev = page > 1 ? pageUrl(c, page - 1) : null;
  const next = page < lastPage ? pageUrl(c, page + 1) : null;
  const links = [
    { url: prev, label: "&laquo; Previous", active: false },
    ...window(page, lastPage).map((p) => (p === "..." ? { url: null, label: "...", active: false } : { url: pageUrl(c, p), label: String(p), active: p === page })),
    { url: next, label: "Next &raquo;", active: false },
  ];
  return {
    links: { first: pageUrl(c, 1), last: pageUrl(c, lastPage), prev, next },
    meta: {
      current_page: page, from, last_page: lastPage, links, path: `${new URL(c.req.url).origin}${c.req.path}`,
      per_page: size, to: from === null ? null : from + count - 1, total,
    },
  };
}
