/** humanDuration: every branch of k8s's duration.HumanDuration, on both sides of each boundary. */
import { humanDuration } from '../../src/registry/human-duration';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

describe('humanDuration', () => {
  it.each([
    // clock skew: up to (but excluding) 2 s in the future is "now"
    [-2 * s - 1, '<invalid>'],
    [-2 * s, '<invalid>'],
    [-1999, '0s'],
    [-1 * s, '0s'],
    [-1, '0s'],
    // seconds, below 2 minutes
    [0, '0s'],
    [999, '0s'],
    [s, '1s'],
    [75 * s, '75s'],
    [2 * m - 1, '119s'],
    // minutes and seconds, below 10 minutes
    [2 * m, '2m'],
    [2 * m + 3 * s, '2m3s'],
    [5 * m + 30 * s + 999, '5m30s'],
    [10 * m - 1, '9m59s'],
    // minutes, below 3 hours
    [10 * m, '10m'],
    [10 * m + 59 * s, '10m'],
    [150 * m, '150m'],
    [3 * h - 1, '179m'],
    // hours and minutes, below 8 hours
    [3 * h, '3h'],
    [5 * h + 4 * m, '5h4m'],
    [8 * h - 1, '7h59m'],
    // hours, below 2 days
    [8 * h, '8h'],
    [8 * h + 59 * m, '8h'],
    [30 * h, '30h'],
    [48 * h - 1, '47h'],
    // days and hours, below 8 days
    [2 * d, '2d'],
    [2 * d + 3 * h, '2d3h'],
    [8 * d - 1, '7d23h'],
    // days, below 2 years
    [8 * d, '8d'],
    [8 * d + 23 * h, '8d'],
    [400 * d, '400d'],
    [2 * y - 1, '729d'],
    // years and days, below 8 years
    [2 * y, '2y'],
    [3 * y + 20 * d, '3y20d'],
    [8 * y - 1, '7y364d'],
    // years
    [8 * y, '8y'],
    [9 * y + 200 * d, '9y'],
    [100 * y, '100y'],
  ])('%d ms → %s', (ms, expected) => {
    expect(humanDuration(ms)).toBe(expected);
  });

  it.each([NaN, Infinity, -Infinity])('calls %d <invalid> rather than printing nonsense', (ms) => {
    expect(humanDuration(ms)).toBe('<invalid>');
  });
});
