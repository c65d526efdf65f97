/**
 * A check's value across its recent runs, as a sparkline with each run's outcome as a
 * coloured dot (pass, warn, fail). uPlot is ~50 kB: the Checks tab loads this module
 * lazily, so the product page's first screen does not wait for it.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Check } from '../../api/types.js';
import { chronological, formatValue, isFailing } from './derive.js';

const WIDTH = 168;
const HEIGHT = 40;
/** The outcome colours of styles.css (--ok, --warning, --failing); canvas cannot read CSS variables cheaply. */
const COLOURS = { pass: '#1a7f37', warn: '#b07800', fail: '#c4212c', line: '#8c959f' };

function dots(colour: string, size: number): uPlot.Series {
  return { stroke: colour, fill: colour, width: 0, paths: () => null, points: { show: true, size, stroke: colour, fill: colour, width: 1 } };
}

export function CheckChart({ history }: { history: Check['history'] }): ReactNode {
  const box = useRef<HTMLDivElement>(null);
  const runs = chronological(history);
  const numeric = runs.filter((r) => typeof r.value === 'number').length;
  const description = runs.map((r) => `run ${r.runId}: ${formatValue(r.value)} ${r.outcome}`).join('; ');

  useEffect(() => {
    const element = box.current;
    const points = chronological(history);
    if (!element || !points.some((p) => typeof p.value === 'number')) return;
    const values = points.map((p) => (typeof p.value === 'number' ? p.value : null));
    const only = (keep: (outcome: string) => boolean): (number | null)[] => points.map((p, i) => (keep(p.outcome) ? (values[i] ?? null) : null));
    const data: uPlot.AlignedData = [
      points.map((_, i) => i),
      values,
      only((o) => o === 'pass'),
      only((o) => o === 'warn'),
      only((o) => isFailing(o)),
    ];
    const plot = new uPlot(
      {
        width: WIDTH,
        height: HEIGHT,
        legend: { show: false },
        cursor: { show: false },
        padding: [6, 6, 6, 6],
        axes: [{ show: false }, { show: false }],
        // Runs evenly spaced (a run that did not check this leaves no gap); one run sits in the middle.
        scales: { x: { time: false, range: [-0.5, Math.max(points.length - 0.5, 0.5)] } },
        series: [{}, { stroke: COLOURS.line, width: 1.5, points: { show: false }, spanGaps: true }, dots(COLOURS.pass, 6), dots(COLOURS.warn, 7), dots(COLOURS.fail, 8)],
      },
      data,
      element,
    );
    return () => {
      plot.destroy();
    };
  }, [history]);

  if (numeric === 0) return <span className="muted chart-none">no numeric values</span>;
  return <div ref={box} className="check-chart" role="img" aria-label={`Values by run: ${description}`} title={description} />;
}
