/** Quota quantities as Kubernetes writes them, for object counts. */
import { formatCount, parseQuantity } from '../../src/admission/quantity';

describe('parseQuantity', () => {
  it.each([
    ['0', 0],
    ['2', 2],
    ['10k', 10_000],
    ['1Ki', 1024],
    ['2Mi', 2 * 1024 * 1024],
    ['1e3', 1000],
    ['1E2', 100],
    ['1500m', 1.5],
    ['+3', 3],
    ['.5', 0.5],
    ['2.5k', 2500],
  ])('reads %s as %d', (text, value) => {
    expect(parseQuantity(text)).toBe(value);
  });

  it.each(['', 'lots', '1KB', '1 k', '--1', '1e', 'k'])('refuses %j', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });
});

describe('formatCount', () => {
  it('writes a count as a plain integer', () => {
    expect(formatCount(1000)).toBe('1000');
    expect(formatCount(3)).toBe('3');
  });
});
