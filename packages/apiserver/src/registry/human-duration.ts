/**
 * How long ago, the way kubectl's AGE column says it: a port of k8s.io/apimachinery
 * pkg/util/duration.HumanDuration, which the apiserver uses for a CRD's `date` columns.
 * About 2–3 significant figures: 75s, 5m30s, 150m, 5h4m, 30h, 3d4h, 400d, 3y20d, 9y.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** `${a}${unitA}`, or with the smaller unit appended when it is not zero (`5m` vs `5m30s`). */
const pair = (a: number, unitA: string, b: number, unitB: string): string =>
  b === 0 ? `${a}${unitA}` : `${a}${unitA}${b}${unitB}`;

/**
 * Render a duration given in milliseconds. Up to 2 s in the future counts as now (`0s`), to
 * tolerate clock skew between machines; further in the future (or not a number) is `<invalid>`.
 */
export function humanDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '<invalid>';
  // Go converts with truncation toward zero, so -1.9 s is still "0s" but -2 s is not.
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 2 * 60) return `${seconds}s`;

  const minutes = Math.floor(ms / MINUTE);
  if (minutes < 10) return pair(minutes, 'm', seconds % 60, 's');
  if (minutes < 3 * 60) return `${minutes}m`;

  const hours = Math.floor(ms / HOUR);
  const days = Math.floor(hours / 24);
  const years = Math.floor(days / 365);
  if (hours < 8) return pair(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return pair(days, 'd', hours % 24, 'h');
  if (hours < 24 * 365 * 2) return `${days}d`;
  if (hours < 24 * 365 * 8) return pair(years, 'y', days % 365, 'd');
  return `${years}y`;
}
