import { useEffect, useRef } from 'preact/hooks';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartData, ChartMarker } from './chart-data';

const PALETTE = ['#2563eb', '#0d9488', '#9333ea', '#ea580c', '#0891b2', '#65a30d', '#db2777', '#4b5563'];
const CHART_HEIGHT_PX = 340;

/**
 * Anomaly markers are DOM elements over the plot, not canvas drawings, so each one has a tooltip
 * (title), can be focused, and is visible to tests; uPlot's draw hook re-places them on every
 * redraw (zoom, resize, new data).
 */
const placeMarkers = (plot: uPlot, markers: readonly ChartMarker[]) => {
  const layer = plot.over.querySelector<HTMLDivElement>('.marker-layer') ?? plot.over.appendChild(Object.assign(document.createElement('div'), { className: 'marker-layer' }));
  layer.replaceChildren();
  const [xMin, xMax] = [plot.scales['x']?.min ?? 0, plot.scales['x']?.max ?? 0];
  for (const marker of markers) {
    if (marker.xSeconds < xMin || marker.xSeconds > xMax) continue;
    const element = document.createElement('span');
    element.className = `anomaly-marker ${marker.severity}`;
    element.title = marker.title;
    element.tabIndex = 0;
    element.dataset['anomalyId'] = marker.id;
    element.style.left = `${plot.valToPos(marker.xSeconds, 'x')}px`;
    element.style.top = `${plot.valToPos(marker.y, 'y')}px`;
    layer.appendChild(element);
  }
};

export const SeriesChart = ({ data, unit, xMinSeconds, xMaxSeconds }: { data: ChartData; unit: string | null; xMinSeconds: number; xMaxSeconds: number }) => {
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const pad = data.yMin === null || data.yMax === null ? 1 : Math.max((data.yMax - data.yMin) * 0.08, Math.abs(data.yMax) * 0.02, 1e-9);
    const options: Options = {
      width: element.clientWidth,
      height: CHART_HEIGHT_PX,
      cursor: { drag: { x: true, y: false } },
      legend: { live: true },
      scales: {
        x: { time: true, range: () => [xMinSeconds, xMaxSeconds] },
        y: { range: () => (data.yMin === null || data.yMax === null ? [0, 1] : [Math.min(0, data.yMin - pad), data.yMax + pad]) },
      },
      axes: [
        { stroke: '#475569', grid: { stroke: '#e2e8f0' }, ticks: { stroke: '#cbd5e1' } },
        { stroke: '#475569', grid: { stroke: '#e2e8f0' }, ticks: { stroke: '#cbd5e1' }, size: 64, label: unit ?? undefined },
      ],
      series: [
        {},
        ...data.lines.map((line) => ({
          label: line.label,
          stroke: PALETTE[line.groupIndex % PALETTE.length],
          width: line.statistic === 'p95' ? 1.5 : 2,
          dash: line.statistic === 'p95' ? [6, 4] : undefined,
          spanGaps: false,
          points: { show: data.xs.length < 60 },
        })),
      ],
      hooks: { draw: [(plot: uPlot) => placeMarkers(plot, data.markers)] },
    };
    const columns: AlignedData = [data.xs, ...data.lines.map((line) => line.values)];
    const plot = new uPlot(options, columns, element);
    const resize = new ResizeObserver(() => plot.setSize({ width: element.clientWidth, height: CHART_HEIGHT_PX }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [data, unit, xMinSeconds, xMaxSeconds]);

  return <div class="chart" ref={container} data-testid="series-chart" data-markers={data.markers.length} />;
};
