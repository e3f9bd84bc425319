/**
 * `GET /status` (HTML) and `GET /status.json`: the public status page. Both answer 200 with what could be
 * checked, whatever is down (the database included). Edge caches may keep an answer for 30 seconds.
 */
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../types.js";
import { StatusPage } from "./page.js";
import type { AppFetch } from "./probes.js";
import { type StatusSnapshot, statusSnapshot } from "./snapshot.js";
import { type DayBar, dayBars, totalUptime } from "./uptime.js";

/** Bars per component key, or null when history is unavailable. */
function barsOf(snap: StatusSnapshot): Map<string, DayBar[]> | null {
  if (!snap.history) return null;
  const history = snap.history;
  return new Map(snap.components.map((c) => [c.key, dayBars(history.filter((r) => r.component === c.key), snap.checkedAt, c.key === "database")]));
}

/**
 * @param appFetch calls this same app in-process (the probes)
 * @example app.route("/", statusRoutes((req, env) => app.fetch(req, env)))
 */
export function statusRoutes(appFetch: (request: Request, env: AppEnv["Bindings"]) => Promise<Response> | Response) {
  const snapshotFor = (c: { env: AppEnv["Bindings"]; var: AppEnv["Variables"] }) => {
    const probe: AppFetch = (request) => appFetch(request, c.env);
    return statusSnapshot({ db: c.var.db, appFetch: probe, appUrl: c.var.config.appUrl, bridgeNodes: c.var.config.bridgeNodes, now: new Date() }, true);
  };
  return new Hono<AppEnv>()
    .get("/status", async (c) => {
      const snap = await snapshotFor(c);
      c.header("cache-control", "public, max-age=30");
      return c.html(html`<!doctype html>${<StatusPage appName={c.var.config.appName} snap={snap} bars={barsOf(snap)} />}`);
    })
    .get("/status.json", async (c) => {
      const snap = await snapshotFor(c);
      const bars = barsOf(snap);
      c.header("cache-control", "public, max-age=30");
      return c.json({
        status: snap.overall,
        checkedAt: snap.checkedAt.toISOString(),
        databaseReachable: snap.databaseReachable,
        maintenance: snap.maintenance,
        components: snap.components.map((comp) => {
          const days = bars?.get(comp.key) ?? null;
          return { ...comp, uptime90d: days ? totalUptime(days) : null, days };
        }),
        incidents: snap.incidents,
      });
    });
}
