/**
 * `GET /dashboard`: the signed-in home page: totals, the last seven days of forwarded / replied /
 * blocked mail as a chart, the plan's usage against its limits, and the way to the next step (verify,
 * create an alias).
 */
import { accountSummary, chartData } from "../../accounts/account.js";
import { domainOptions } from "../../accounts/domains.js";
import { usageOf } from "../../plans/usage.js";
import { BarChart } from "../components/chart.js";
import { PlanUsage } from "../components/plan-usage.js";
import { render } from "../layout.js";
import { currentUser, requireUser, webRouter } from "../router.js";

const fmtBytes = (n: number) => (n < 1024 * 1024 ? `${(n / 1024).toFixed(0)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

export const dashboardRoutes = webRouter().get("/", requireUser, async (c) => {
  const user = currentUser(c);
  const now = new Date();
  const [summary, chart, options, usage] = await Promise.all([
    accountSummary(c.var.db, user.id, now), chartData(c.var.db, user.id, now), domainOptions(c.var.db, user.id), usageOf(c.var.db, user.id, now),
  ]);
  const standard = options.find((o) => o.usernameId !== null)?.domain;
  const t = summary.totals;
  const figures: [string, string | number][] = [
    ["Active aliases", t.active], ["Forwarded", t.forwarded], ["Blocked", t.blocked], ["Replies", t.replied], ["Sent", t.sent],
    ["Bandwidth this month", fmtBytes(summary.bandwidthThisMonth)],
  ];
  const body = (
    <>
      <h1>Dashboard</h1>
      <section aria-labelledby="totals" class="card">
        <h2 id="totals" class="visually-hidden">Totals</h2>
        <dl class="grid" data-testid="totals">
          {figures.map(([label, value]) => <div><dt class="muted">{label}</dt><dd><strong>{String(value)}</strong></dd></div>)}
        </dl>
      </section>
      <section class="card" aria-labelledby="week">
        <h2 id="week">The last 7 days</h2>
        <BarChart title="Messages per day" days={chart.days}
          series={[{ label: "Forwarded", values: chart.forwarded }, { label: "Replied", values: chart.replied }, { label: "Blocked", values: chart.blocked }]} />
      </section>
      <PlanUsage plan={summary.plan} usage={usage} />
      <p>
        <a class="button" href="/aliases#create">Create an alias</a>{" "}
        {standard ? <span class="muted">Or just give out <code>anything@{standard}</code>: such an alias is created by its first mail.</span> : null}
      </p>
    </>
  );
  return render(c, "Dashboard", body);
});
