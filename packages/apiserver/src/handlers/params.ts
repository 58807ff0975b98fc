/** The parsed form of a list/watch request's query (http/query.ts builds it). */
import type { FieldSelector } from '../registry/field-selector';
import type { LabelSelector } from '../registry/label-selector';

export interface ListParams {
  labelSelector: LabelSelector;
  fieldSelector: FieldSelector;
  limit?: number;
  continue?: string;
  /** undefined = most recent; 0 = "0" (any); N otherwise. */
  resourceVersion?: number;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  watch: boolean;
  timeoutSeconds?: number;
  allowWatchBookmarks: boolean;
  sendInitialEvents?: boolean;
}
