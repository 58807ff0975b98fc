/**
 * Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource) as far as object counts
 * need them: `2`, `10k`, `1Ki`, `1e3`, `500m`. Parsed by hand: the one library that does it is
 * @kubernetes/client-node, an ES module kept behind the controller's adapter. Values are
 * compared as numbers, which is exact for every count a quota can hold (≤ 2^53).
 */
const SUFFIXES: Readonly<Record<string, number>> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

/** The quantity's value, or undefined when the text is not a quantity. */
export function parseQuantity(text: string): number | undefined {
  const match = QUANTITY.exec(text.trim());
  if (!match) return undefined;
  const [, number, exponent, suffix = ''] = match;
  const value = Number(number) * (exponent ? 10 ** Number(exponent.slice(1)) : SUFFIXES[suffix]!);
  return Number.isFinite(value) ? value : undefined;
}

/** A count as the API writes it back (a plain integer, as Quantity.String() prints one). */
export function formatCount(value: number): string {
  return String(Math.round(value));
}
