/** What a handler answers: an object, a list or a Status, with warnings. The http layer writes it. */
import type { Status } from '../errors/status-error';
import type { KubeObject } from '../storage/interface';

export interface ObjectResult {
  type: 'object';
  code: number;
  object: KubeObject;
  /** When set: exactly `JSON.stringify(object)`, so a JSON answer can send it as it is. */
  serialized?: string;
  warnings: string[];
}

export interface ListResultBody {
  type: 'list';
  code: number;
  list: {
    apiVersion: string;
    kind: string;
    metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
    items: KubeObject[];
  };
  /** When set: `serializedItems[i]` is exactly `JSON.stringify(list.items[i])`. */
  serializedItems?: readonly string[];
  warnings: string[];
}

export interface StatusResult {
  type: 'status';
  code: number;
  status: Status;
  warnings: string[];
}

export type HandlerResult = ObjectResult | ListResultBody | StatusResult;
