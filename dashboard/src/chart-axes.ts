import type uPlot from 'uplot';
import { axisNumber } from './format.ts';
import { axisTimes } from './time-range.ts';

/** The two axes of every chart: clock times people read at a glance below, the parameter in its unit at the left. */
export function timeValueAxes(color: string, name: () => string): uPlot.Axis[] {
  return [
    {
      stroke: color,
      grid: { stroke: 'rgba(128,128,128,.15)' },
      size: 28,
      // uPlot would write ":00 :30" for a few minutes.
      values: (u, splits) => axisTimes(splits, (u.scales.x?.max ?? 0) - (u.scales.x?.min ?? 0)),
    },
    {
      stroke: color,
      grid: { stroke: 'rgba(128,128,128,.15)' },
      values: (_u, splits) => splits.map((v) => axisNumber(name(), v)),
      // Wide enough for the longest tick label, so large numbers are not cut.
      size: (_u, values) => 16 + 7.5 * Math.max(3, ...(values ?? []).map((v) => String(v).length)),
    },
  ];
}
