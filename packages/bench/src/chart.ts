/**
 * The chart of docs/benchmarks.svg: one horizontal bar per phase (ops/s, logarithmic, since a
 * list of thousands and a get differ by orders of magnitude), with the two ceilings drawn as
 * vertical lines across every bar. Plain SVG text, no library.
 */
import type { BenchResult } from './results';

export interface ChartLayout {
  width: number;
  barHeight: number;
  gap: number;
  labelWidth: number;
}

const LAYOUT: ChartLayout = { width: 860, barHeight: 22, gap: 8, labelWidth: 170 };

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Maps a rate to x on a log10 axis spanning whole decades around every value. */
function logScale(values: number[], x0: number, x1: number): { x: (v: number) => number; decades: number[] } {
  const positive = values.filter((v) => v > 0);
  const lo = Math.floor(Math.log10(Math.min(...positive, 1)));
  const hi = Math.max(Math.ceil(Math.log10(Math.max(...positive, 10))), lo + 1);
  const x = (v: number) => x0 + ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * (x1 - x0);
  const decades = Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
  return { x, decades };
}

export function renderChart(result: BenchResult, layout: ChartLayout = LAYOUT): string {
  const { width, barHeight, gap, labelWidth } = layout;
  const top = 56;
  const plotRight = width - 90;
  const bars = result.phases;
  const height = top + bars.length * (barHeight + gap) + 40;
  const ceilings = [
    { name: 'bare HTTPS', value: result.ceilings.bareHttps.opsPerSec, color: '#d62728' },
    { name: 'durable writes', value: result.ceilings.durableWrites.opsPerSec, color: '#2ca02c' },
  ];
  const { x, decades } = logScale(
    [...bars.map((b) => b.opsPerSec), ...ceilings.map((c) => c.value)],
    labelWidth,
    plotRight,
  );
  const bottom = top + bars.length * (barHeight + gap);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${labelWidth}" y="20" font-size="14" font-weight="bold">${escapeXml(
      `pwk: ops/s per phase (log scale), ${result.settings.objects} Foos, ${result.settings.concurrency} clients`,
    )}</text>`,
  ];
  ceilings.forEach((c, i) => {
    parts.push(
      `<line x1="${labelWidth + i * 220}" y1="38" x2="${labelWidth + i * 220 + 18}" y2="38" stroke="${c.color}" stroke-width="2" stroke-dasharray="4 3"/>`,
      `<text x="${labelWidth + i * 220 + 24}" y="42">${escapeXml(`${c.name}: ${Math.round(c.value)}/s`)}</text>`,
    );
  });
  for (const d of decades) {
    const dx = x(d).toFixed(1);
    parts.push(
      `<line x1="${dx}" y1="${top - 4}" x2="${dx}" y2="${bottom}" stroke="#ddd"/>`,
      `<text x="${dx}" y="${bottom + 16}" text-anchor="middle" fill="#555">${d >= 1 ? d.toLocaleString('en-US') : d}</text>`,
    );
  }
  bars.forEach((bar, i) => {
    const y = top + i * (barHeight + gap);
    const w = Math.max(x(bar.opsPerSec) - labelWidth, 1);
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + barHeight * 0.7}" text-anchor="end">${escapeXml(bar.name)}</text>`,
      `<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${bar.errors > 0 ? '#ff7f0e' : '#1f77b4'}"/>`,
      `<text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + barHeight * 0.7}">${escapeXml(
        `${Math.round(bar.opsPerSec).toLocaleString('en-US')}/s`,
      )}</text>`,
    );
  });
  for (const c of ceilings) {
    const cx = x(c.value).toFixed(1);
    parts.push(
      `<line x1="${cx}" y1="${top - 4}" x2="${cx}" y2="${bottom}" stroke="${c.color}" stroke-width="2" stroke-dasharray="4 3"/>`,
    );
  }
  parts.push('</svg>', '');
  return parts.join('\n');
}
