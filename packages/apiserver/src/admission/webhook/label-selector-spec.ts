/**
 * A metav1.LabelSelector (matchLabels, matchExpressions) as a matcher, the way
 * metav1.LabelSelectorAsSelector builds one: an empty selector matches everything, every
 * requirement must hold, and keys, values and operators are checked as labels.NewRequirement
 * checks them. (registry/label-selector.ts parses the string form of `?labelSelector=`; this is
 * the object form webhooks and policies use.)
 */
import { isQualifiedName, isValidLabelValue } from '@pwk/api';
import type { LabelSelectorSpec } from './types';

export interface LabelMatcher {
  /** True when the selector selects everything (kube's selector.Empty()). */
  readonly empty: boolean;
  matches(labels: Record<string, string> | undefined): boolean;
}

type Requirement = (labels: Record<string, string>) => boolean;

/** Thrown for a selector that labels.NewRequirement would refuse. */
export class InvalidSelectorError extends Error {}

function checkKey(key: string): void {
  const errs = isQualifiedName(key);
  if (errs.length > 0) throw new InvalidSelectorError(`key: Invalid value: "${key}": ${errs.join('; ')}`);
}

function checkValues(values: string[]): void {
  for (const value of values) {
    const errs = isValidLabelValue(value);
    if (errs.length > 0) {
      throw new InvalidSelectorError(`values[0][]: Invalid value: "${value}": ${errs.join('; ')}`);
    }
  }
}

function requirement(key: string, operator: string, values: string[]): Requirement {
  checkKey(key);
  const has = (labels: Record<string, string>) => Object.hasOwn(labels, key);
  switch (operator) {
    case 'In':
    case 'NotIn': {
      if (values.length === 0) {
        throw new InvalidSelectorError(
          "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty",
        );
      }
      checkValues(values);
      const set = new Set(values);
      return operator === 'In'
        ? (labels) => has(labels) && set.has(labels[key]!)
        : (labels) => !has(labels) || !set.has(labels[key]!);
    }
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) {
        throw new InvalidSelectorError(
          `values: Invalid value: ${JSON.stringify(values)}: values set must be empty for exists and does not exist`,
        );
      }
      return operator === 'Exists' ? has : (labels) => !has(labels);
    default:
      throw new InvalidSelectorError(`"${operator}" is not a valid label selector operator`);
  }
}

/** Builds the matcher; throws InvalidSelectorError for a selector kube would refuse. */
export function labelSelectorMatcher(spec: LabelSelectorSpec | undefined): LabelMatcher {
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(spec?.matchLabels ?? {})) {
    checkKey(key);
    checkValues([String(value)]);
    requirements.push((labels) => Object.hasOwn(labels, key) && labels[key] === String(value));
  }
  for (const expression of spec?.matchExpressions ?? []) {
    requirements.push(
      requirement(String(expression.key), String(expression.operator), (expression.values ?? []).map(String)),
    );
  }
  return {
    empty: requirements.length === 0,
    matches: (labels) => requirements.every((r) => r(labels ?? {})),
  };
}
