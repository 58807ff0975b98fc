/** Label and field selectors combined into the one predicate the storage pushes down. */
import type { KubeObject } from '../storage/interface';
import type { FieldSelector, SelectableObject } from '../registry/field-selector';
import type { LabelSelector } from '../registry/label-selector';

export function selectorFilter(
  labels: LabelSelector,
  fields: FieldSelector,
): ((obj: KubeObject) => boolean) | undefined {
  if (labels.empty && fields.empty) return undefined;
  return (obj) =>
    labels.matches(obj.metadata.labels as Record<string, string> | undefined) &&
    fields.matches(obj as SelectableObject);
}
