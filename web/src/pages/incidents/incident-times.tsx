/**
 * A team's median time to acknowledge (MTTA) and to resolve (MTTR) per week, as an SVG
 * line chart. Drawn by hand, not on a canvas: the SVG carries a title and a description
 * that say the numbers, and the same numbers are a table below it for those who cannot
 * see the picture.
 */
import type { ReactNode } from 'react';
import { useApi } from '../../api/client.js';
import type { WeekTimes } from '../../api/types.js';
import './incidents.css';

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { left: 64, right: 30, top: 14, bottom: 34 };
const SERIES = [
  { key: 'mttaMinutes', label: 'MTTA: median minutes to acknowledge', short: 'to acknowledge', className: 'times-mtta' },
  { key: 'mttrMinutes', label: 'MTTR: median minutes to resolve', short: 'to resolve', className: 'times-mttr' },
] as const;

/** A round top for the axis: 1, 2 or 5 times a power of ten, at or above `value`. */
function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].map((m) => m * power).find((v) => v >= value) ?? 10 * power);
}

export function formatMinutes(minutes: number | undefined): string {
  if (minutes === undefined) return '–';
  // An answer within the minute (a test, an automatic resolution) reads in seconds, not as "0 min".
  if (minutes > 0 && minutes < 1) return `${Math.round(minutes * 60)} s`;
  if (minutes < 120) return `${Math.round(minutes * 10) / 10} min`;
  return `${(minutes / 60).toFixed(1)} h`;
}

function weekLabel(week: string): string {
  return new Date(`${week}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
}

/** The chart's words: the span, then each week that had an answer. */
function describe(weeks: readonly WeekTimes[]): string {
  const answered = weeks.filter((w) => w.acknowledged + w.resolved > 0);
  const span = `${weeks.length} weeks from the week of ${weekLabel(weeks[0]?.week ?? '')} to the week of ${weekLabel(weeks.at(-1)?.week ?? '')}`;
  if (answered.length === 0) return `${span}: no incident was acknowledged or resolved.`;
  return `${span}. ${answered
    .map((w) => `Week of ${weekLabel(w.week)}: ${w.acknowledged} acknowledged, median ${formatMinutes(w.mttaMinutes)}; ${w.resolved} resolved, median ${formatMinutes(w.mttrMinutes)}`)
    .join('. ')}.`;
}

function Chart({ team, weeks }: { team: string; weeks: readonly WeekTimes[] }): ReactNode {
  const top = niceCeiling(Math.max(0, ...weeks.flatMap((w) => [w.mttaMinutes ?? 0, w.mttrMinutes ?? 0])));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number): number => PAD.left + (weeks.length === 1 ? plotW / 2 : (i * plotW) / (weeks.length - 1));
  const y = (minutes: number): number => PAD.top + plotH - (minutes / top) * plotH;
  const ticks = [0, top / 2, top];
  const id = `incident-times-${team}`;
  return (
    <svg className="incident-times-chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${id}-title ${id}-desc`}>
      <title id={`${id}-title`}>{`Median minutes to acknowledge and to resolve incidents, per week, team ${team}`}</title>
      <desc id={`${id}-desc`}>{describe(weeks)}</desc>
      {ticks.map((tick) => (
        <g key={tick} className="times-grid">
          <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(tick)} y2={y(tick)} />
          <text x={PAD.left - 6} y={y(tick) + 4} textAnchor="end">
            {tick === 0 ? '0' : formatMinutes(tick)}
          </text>
        </g>
      ))}
      {weeks.map((w, i) =>
        i % 2 === (weeks.length - 1) % 2 ? (
          <text key={w.week} className="times-week" x={x(i)} y={HEIGHT - 12} textAnchor="middle">
            {weekLabel(w.week)}
          </text>
        ) : null,
      )}
      {SERIES.map((series) => {
        // Lines join consecutive weeks that both have a value; a week with none leaves a gap.
        const segments: string[] = [];
        weeks.forEach((w, i) => {
          const value = w[series.key];
          const previous = weeks[i - 1]?.[series.key];
          if (value !== undefined && previous !== undefined) segments.push(`M${x(i - 1)},${y(previous)}L${x(i)},${y(value)}`);
        });
        return (
          <g key={series.key} className={`times-series ${series.className}`} data-series={series.key}>
            <path d={segments.join('')} />
            {weeks.map((w, i) => {
              const value = w[series.key];
              if (value === undefined) return null;
              return series.key === 'mttaMinutes' ? (
                <circle key={w.week} cx={x(i)} cy={y(value)} r={4} data-week={w.week} />
              ) : (
                <rect key={w.week} x={x(i) - 4} y={y(value) - 4} width={8} height={8} data-week={w.week} />
              );
            })}
          </g>
        );
      })}
    </svg>
  );
}

export function IncidentTimes({ team }: { team: string }): ReactNode {
  const loaded = useApi<{ team: string; weeks: WeekTimes[] }>(`/api/teams/${encodeURIComponent(team)}/incident-times?weeks=12`);
  if (loaded.state !== 'ready') return null;
  const { weeks } = loaded.data;
  return (
    <section className="panel incident-times" aria-labelledby="incident-times-heading">
      <h2 id="incident-times-heading">Time to acknowledge and resolve</h2>
      <p className="muted">Median minutes per week, over the last {weeks.length} weeks: an incident counts in the week it was acknowledged, and in the week it was resolved.</p>
      <Chart team={team} weeks={weeks} />
      <ul className="times-legend">
        {SERIES.map((series) => (
          <li key={series.key}>
            <span className={`times-swatch ${series.className}`} aria-hidden="true" /> {series.label}
          </li>
        ))}
      </ul>
      <details className="times-details">
        <summary>The numbers as a table</summary>
        <table className="incidents-table incident-times-table">
          <caption>Incidents of team {team} acknowledged and resolved per week, with median times</caption>
          <thead>
            <tr>
              <th scope="col">Week of</th>
              <th scope="col" className="num">
                Acknowledged
              </th>
              <th scope="col" className="num">
                MTTA
              </th>
              <th scope="col" className="num">
                Resolved
              </th>
              <th scope="col" className="num">
                MTTR
              </th>
            </tr>
          </thead>
          <tbody>
            {weeks.map((w) => (
              <tr key={w.week} data-week={w.week}>
                <th scope="row">{weekLabel(w.week)}</th>
                <td className="num">{w.acknowledged}</td>
                <td className="num">{formatMinutes(w.mttaMinutes)}</td>
                <td className="num">{w.resolved}</td>
                <td className="num">{formatMinutes(w.mttrMinutes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
