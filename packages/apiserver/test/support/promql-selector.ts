/**
 * PromQL instant-vector selectors (`name{label="v",label=~"re",label!~"re"}`) evaluated against a
 * parsed exposition: what the SLO tests need to show that a recording rule's inputs exist.
 * Hand-written: no maintained JavaScript PromQL engine evaluates selectors over a text exposition,
 * and the selector grammar is four matchers. Regexes are anchored, as Prometheus anchors them.
 */
import type { Exposition, Sample } from './exposition';
import { samples } from './exposition';

export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface Selector {
  name: string;
  matchers: Matcher[];
}

const SELECTOR = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?$/;
const MATCHER = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*,?/gy;

export function parseSelector(text: string): Selector {
  const match = SELECTOR.exec(text.trim());
  if (!match) throw new Error(`not a selector: ${text}`);
  const body = match[2] ?? '';
  const matchers: Matcher[] = [];
  MATCHER.lastIndex = 0;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = MATCHER.exec(body)) !== null) {
    matchers.push({ label: m[1]!, op: m[2] as Matcher['op'], value: m[3]!.replace(/\\(.)/g, '$1') });
    end = MATCHER.lastIndex;
  }
  if (end !== body.length) throw new Error(`malformed matchers in: ${text}`);
  return { name: match[1]!, matchers };
}

function matches(sample: Sample, matcher: Matcher): boolean {
  // An absent label is the empty string in PromQL.
  const value = sample.labels[matcher.label] ?? '';
  switch (matcher.op) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
      return new RegExp(`^(?:${matcher.value})$`).test(value);
    case '!~':
      return !new RegExp(`^(?:${matcher.value})$`).test(value);
  }
}

/** The samples the selector selects. */
export function select(exposition: Exposition, selector: Selector): Sample[] {
  return samples(exposition, selector.name).filter((s) => selector.matchers.every((m) => matches(s, m)));
}
