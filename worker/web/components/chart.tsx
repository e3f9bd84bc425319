/**
 * A grouped bar chart as inline SVG (no script): one group per day, one bar per series. The same
 * numbers follow as a table for screen readers and for anyone who wants the figures.
 */

export interface ChartSeries {
  label: string;
  values: number[];
}

const W = 560;
const H = 200;
const PAD = { top: 10, bottom: 28, left: 36, right: 8 };

/** Rounds a maximum up to a tidy axis end (1, 2 or 5 times a power of ten). */
function niceMax(max: number): number {
  if (max <= 4) return 4;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/** The chart for `days` (`YYYY-MM-DD`) and up to three series. */
export function BarChart({ title, days, series }: { title: string; days: string[]; series: ChartSeries[] }) {
  const top = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const groupW = plotW / days.length;
  const barW = Math.max(2, (groupW - 8) / series.length);
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  return (
    <figure class="chart">
      <figcaption class="legend">
        <strong>{title}</strong>{" "}
        {series.map((s, i) => <span><i class={`b${i + 1}`}></i>{s.label}</span>)}
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: bar chart; the figures are in the table that follows`}>
        {[0, top / 2, top].map((v) => (
          <text x={PAD.left - 6} y={y(v) + 4} text-anchor="end">{String(v)}</text>
        ))}
        {days.map((day, d) => (
          <g>
            {series.map((s, i) => {
              const v = s.values[d] ?? 0;
              return <rect class={`b${i + 1}`} x={PAD.left + d * groupW + 4 + i * barW} y={y(v)} width={barW - 1} height={Math.max(0, PAD.top + plotH - y(v))} />;
            })}
            <text x={PAD.left + d * groupW + groupW / 2} y={H - 8} text-anchor="middle">{day.slice(5)}</text>
          </g>
        ))}
      </svg>
      <details>
        <summary>Figures</summary>
        <table>
          <thead><tr><th scope="col">Day</th>{series.map((s) => <th scope="col" class="num">{s.label}</th>)}</tr></thead>
          <tbody>
            {days.map((day, d) => <tr><th scope="row">{day}</th>{series.map((s) => <td class="num">{s.values[d] ?? 0}</td>)}</tr>)}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
