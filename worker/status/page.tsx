/**
 * The status page (`GET /status`): one small, self-contained HTML document (no script, no external
 * asset) so it renders whatever else is down. States are written out in words, never shown by colour
 * alone; each 90-day bar is one image for assistive technology, with its figure in its label.
 */
import { raw } from "hono/html";
import { type ComponentStatus, STATE_LABEL } from "./components.js";
import type { Incident } from "./incidents.js";
import type { StatusSnapshot } from "./snapshot.js";
import { type DayBar, formatUptime, totalUptime } from "./uptime.js";

const HEADLINE = {
  operational: "All systems operational",
  degraded: "Some systems are degraded",
  outage: "Some systems are down",
  maintenance: "Scheduled maintenance: mail is deferred, nothing is lost",
} as const;

const CSS = `
:root{color-scheme:light dark;--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e;--maint:#0969da;--none:#8c959f;--fg:#1f2328;--bg:#fff;--muted:#59636e;--line:#d0d7de}
@media (prefers-color-scheme:dark){:root{--ok:#3fb950;--warn:#d29922;--bad:#f85149;--maint:#58a6ff;--none:#6e7681;--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;--line:#30363d}}
body{margin:0;font:16px/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:52rem;margin:0 auto;padding:1.5rem 1rem}
h1{font-size:1.6rem;margin:0 0 1rem}h2{font-size:1.2rem;margin:2rem 0 .75rem}h3{font-size:1rem;margin:0}
.headline,.notice{padding:.75rem 1rem;border-radius:6px;border:2px solid var(--line);font-weight:600}
.headline.operational{border-color:var(--ok)}.headline.degraded{border-color:var(--warn)}.headline.outage{border-color:var(--bad)}.headline.maintenance{border-color:var(--maint)}
.notice{border-color:var(--warn);font-weight:400}
ul.components{list-style:none;padding:0;margin:0}
ul.components li{border-bottom:1px solid var(--line);padding:.75rem 0}
.row{display:flex;justify-content:space-between;gap:1rem;flex-wrap:wrap}
.state{font-weight:600}.state.up{color:var(--ok)}.state.degraded{color:var(--warn)}.state.down{color:var(--bad)}.state.maintenance{color:var(--maint)}.state.unknown{color:var(--muted)}
.detail,.meta,footer{color:var(--muted);font-size:.875rem}
.bar{display:flex;gap:1px;height:1.75rem;margin:.4rem 0 .1rem}
.bar span{flex:1;border-radius:1px;background:var(--none)}
.bar .good{background:var(--ok)}.bar .fair{background:var(--warn)}.bar .poor{background:var(--bad)}
.incident{border-left:4px solid var(--warn);padding:.25rem 0 .25rem .75rem;margin-bottom:1rem}
.incident.resolved{border-color:var(--line)}
a{color:var(--maint)}
`;

const time = (d: Date) => d.toISOString().replace("T", " ").slice(0, 16) + " UTC";

function dayClass(bar: DayBar): string {
  if (bar.uptime === null) return "none";
  if (bar.uptime >= 0.995) return "good";
  return bar.uptime >= 0.95 ? "fair" : "poor";
}

function Bar({ bars }: { bars: DayBar[] | null }) {
  if (!bars) return <p class="meta">History unavailable while the database is unreachable.</p>;
  const total = formatUptime(totalUptime(bars));
  return (
    <>
      <div class="bar" role="img" aria-label={`Uptime over the last ${bars.length} days: ${total}`}>
        {bars.map((b) => <span class={dayClass(b)} title={`${b.day}: ${formatUptime(b.uptime)}`} />)}
      </div>
      <div class="row meta"><span>{bars.length} days ago</span><span>{total} uptime</span><span>today</span></div>
    </>
  );
}

function Component({ c, bars }: { c: ComponentStatus; bars: DayBar[] | null }) {
  return (
    <li>
      <div class="row">
        <h3>{c.name}</h3>
        <span class={`state ${c.state}`}>{STATE_LABEL[c.state]}</span>
      </div>
      <div class="detail">{c.detail}</div>
      <Bar bars={bars} />
    </li>
  );
}

function IncidentItem({ incident }: { incident: Incident }) {
  return (
    <article class={`incident ${incident.status === "resolved" ? "resolved" : ""}`}>
      <h3>{incident.title} <span class="meta">({incident.impact}, {incident.status})</span></h3>
      {incident.components.length > 0 && <p class="meta">Affects: {incident.components.join(", ")}</p>}
      {incident.updates.map((u) => <p><strong>{u.status}</strong> <span class="meta">{time(u.createdAt)}</span><br />{u.message}</p>)}
    </article>
  );
}

/**
 * The whole page.
 * @param bars component key → its 90 days, or null when history is unavailable
 */
export function StatusPage({ appName, snap, bars }: { appName: string; snap: StatusSnapshot; bars: Map<string, DayBar[]> | null }) {
  const open = snap.incidents?.filter((i) => i.status !== "resolved") ?? [];
  const past = snap.incidents?.filter((i) => i.status === "resolved") ?? [];
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${appName} status`}</title>
        <style>{raw(CSS)}</style>
      </head>
      <body>
        <main>
          <h1>{appName} status</h1>
          <p class={`headline ${snap.overall}`} role="status">{HEADLINE[snap.overall]}</p>
          {!snap.databaseReachable && (
            <p class="notice" role="alert">
              The status database cannot be reached right now. The states below come from the checks this page can still
              make itself; mail server states, incidents and history are unavailable until it is back.
            </p>
          )}
          {snap.maintenance?.on && (
            <p class="notice">
              Maintenance since {snap.maintenance.since ? time(new Date(snap.maintenance.since)) : "now"}
              {snap.maintenance.until ? `, until ${time(new Date(snap.maintenance.until))}` : ""}: our mail servers answer
              senders "try again later", and hold mail already accepted until it ends.
            </p>
          )}
          {open.length > 0 && (
            <section aria-labelledby="open-incidents">
              <h2 id="open-incidents">Current incidents</h2>
              {open.map((i) => <IncidentItem incident={i} />)}
            </section>
          )}
          <section aria-labelledby="components">
            <h2 id="components">Components</h2>
            <ul class="components">
              {snap.components.map((c) => <Component c={c} bars={bars?.get(c.key) ?? null} />)}
            </ul>
          </section>
          {past.length > 0 && (
            <section aria-labelledby="past-incidents">
              <h2 id="past-incidents">Resolved in the last 14 days</h2>
              {past.map((i) => <IncidentItem incident={i} />)}
            </section>
          )}
          <footer>
            <p>Checked {time(snap.checkedAt)}. Mail servers report every 30 seconds; history from checks every minute.{" "}
              <a href="/status.json">Machine-readable status</a></p>
          </footer>
        </main>
      </body>
    </html>
  );
}
