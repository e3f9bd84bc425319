/**
 * The account's plan and its usage against each limit (issue 7 §4), as a table with a `<meter>` per
 * limited figure (no script). Figures come from worker/plans/ at this request.
 */
import type { PlanLimits } from "../../plans/plans.js";
import type { Usage } from "../../plans/usage.js";

const fmtBytes = (n: number) => (n < 1024 * 1024 ? `${(n / 1024).toFixed(0)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

type Row = { label: string; used: number; limit: number | null; bytes?: boolean };

/** One line: what, used, of what, and a meter when limited. */
function UsageRow({ row }: { row: Row }) {
  const show = (n: number) => (row.bytes ? fmtBytes(n) : String(n));
  const full = row.limit !== null && row.used >= row.limit;
  return (
    <tr>
      <th scope="row">{row.label}</th>
      <td class="num">{show(row.used)}</td>
      <td class="num">{row.limit === null ? "unlimited" : show(row.limit)}</td>
      <td>
        {row.limit === null || row.limit === 0 ? null
          : <meter min={0} max={row.limit} low={row.limit * 0.8} high={row.limit * 0.8} optimum={0} value={Math.min(row.used, row.limit)}>{Math.round((row.used / row.limit) * 100)} %</meter>}
        {full ? <span class="badge off">limit reached</span> : null}
      </td>
    </tr>
  );
}

/** The "Your plan" card of the dashboard. */
export function PlanUsage({ plan, usage }: { plan: PlanLimits; usage: Usage }) {
  const rows: Row[] = [
    { label: "Bandwidth this month", used: usage.bandwidthBytes, limit: plan.bandwidthBytes, bytes: true },
    { label: "Active aliases on shared domains", used: usage.sharedDomainAliases, limit: plan.sharedDomainAliases },
    { label: "Recipients", used: usage.recipients, limit: plan.recipients },
    { label: "Custom domains", used: usage.customDomains, limit: plan.customDomains },
    { label: "Usernames besides your own", used: usage.usernames, limit: plan.usernames },
    { label: "Replies and sends today", used: usage.repliesPerDay, limit: plan.repliesPerDay },
  ];
  return (
    <section class="card" aria-labelledby="plan" data-testid="plan-usage">
      <h2 id="plan">Your plan: {plan.name}</h2>
      <table>
        <thead><tr><th scope="col">Limit</th><th scope="col" class="num">Used</th><th scope="col" class="num">Allowed</th><th scope="col"><span class="visually-hidden">Level</span></th></tr></thead>
        <tbody>{rows.map((row) => <UsageRow row={row} />)}</tbody>
      </table>
      <p class="muted">
        New aliases: {plan.aliasesPerHour === null ? "no hourly limit" : `up to ${plan.aliasesPerHour} an hour`}.{" "}
        {plan.paid ? "Your plan includes the shared domains for paid plans." : "Some shared domains are for paid plans only."}{" "}
        Bandwidth starts again on the first day of each month (UTC).
      </p>
    </section>
  );
}
