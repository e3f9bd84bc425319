/**
 * Serves the stylesheet and scripts at content-versioned URLs (`/assets/app.<hash>.css`), cached for a
 * year as immutable: a change in content changes the URL the layout links to.
 */
import { Hono } from "hono";
import { APP_JS, PASSKEYS_JS } from "./scripts.js";
import { STYLES } from "./styles.js";

/** FNV-1a (32-bit) of a string, as 8 hex digits: a cache-busting version, not a security hash. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

const FILES = {
  css: { body: STYLES, type: "text/css; charset=utf-8", name: `app.${fnv1a(STYLES)}.css` },
  app: { body: APP_JS, type: "text/javascript; charset=utf-8", name: `app.${fnv1a(APP_JS)}.js` },
  passkeys: { body: PASSKEYS_JS, type: "text/javascript; charset=utf-8", name: `passkeys.${fnv1a(PASSKEYS_JS)}.js` },
} as const;

/** Paths the layout links to. */
export const ASSET_PATHS = {
  css: `/assets/${FILES.css.name}`,
  app: `/assets/${FILES.app.name}`,
  passkeys: `/assets/${FILES.passkeys.name}`,
} as const;

const byName = new Map<string, { body: string; type: string }>(Object.values(FILES).map((f) => [f.name, f]));

/** `GET /assets/:name`; unknown names (an old version included) get 404. */
export const assetRoutes = new Hono().get("/:name", (c) => {
  const file = byName.get(c.req.param("name"));
  if (!file) return c.text("not found", 404);
  return c.body(file.body, 200, {
    "content-type": file.type, "cache-control": "public, max-age=31536000, immutable", "x-content-type-options": "nosniff",
  });
});
