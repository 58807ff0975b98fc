/**
 * Writes API objects in the form the client negotiated: the object itself (JSON or YAML), a
 * meta.k8s.io Table for kubectl get, or PartialObjectMetadata(List) for metadata clients.
 */
import type { ServerResponse } from 'node:http';
import { stringify as toYaml } from 'yaml';
import type { ListResultBody, ObjectResult } from '../handlers/result';
import type { KubeObject } from '../storage/interface';
import { asPartialObjectMetadata, asPartialObjectMetadataList } from '../registry/partial-object-metadata';
import type { IncludeObject } from '../registry/table';
import { sendBytes } from './exchange';
import type { ResponseForm } from './negotiation';
import type { TableConverter } from '../registry/table';

export interface ListBody {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: KubeObject[];
}

export interface TransformOptions {
  form: ResponseForm;
  includeObject: IncludeObject;
  now: Date;
  /** The resource's Table converter. */
  table: TableConverter;
}

/** The body to send for one object. */
export function transformObject(obj: KubeObject, options: TransformOptions): unknown {
  const { form } = options;
  switch (form.kind) {
    case 'Table':
      return options.table(
        [obj],
        { resourceVersion: obj.metadata.resourceVersion },
        {
          includeObject: options.includeObject,
          now: options.now,
          tableVersion: form.version === 'v1beta1' ? 'v1beta1' : 'v1',
        },
      );
    case 'PartialObjectMetadata':
      return asPartialObjectMetadata(obj, form.version ?? 'v1');
    default:
      return obj;
  }
}

/** The body to send for a list. */
export function transformList(list: ListBody, options: TransformOptions): unknown {
  const { form } = options;
  switch (form.kind) {
    case 'Table':
      return options.table(list.items, list.metadata, {
        includeObject: options.includeObject,
        now: options.now,
        tableVersion: form.version === 'v1beta1' ? 'v1beta1' : 'v1',
      });
    case 'PartialObjectMetadataList':
      return asPartialObjectMetadataList(list, form.version ?? 'v1');
    default:
      return list;
  }
}

/**
 * Adds `Warning: 299 - "…"` headers, one per warning, after those already set (as
 * k8s.io/apiserver's warning recorder: a deprecated version's warning first).
 */
export function setWarnings(res: ServerResponse, warnings: readonly string[]): void {
  if (warnings.length === 0) return;
  const set = res.getHeader('Warning');
  const before = set === undefined ? [] : Array.isArray(set) ? set : [String(set)];
  res.setHeader('Warning', [
    ...before,
    ...warnings.map((w) => `299 - ${JSON.stringify(w.replace(/[\r\n]/g, ' '))}`),
  ]);
}

export function sendBody(
  res: ServerResponse,
  opts: { status: number; body: unknown; form: ResponseForm },
): void {
  const { status, body, form } = opts;
  sendText(res, { status, text: form.format === 'yaml' ? toYaml(body) : JSON.stringify(body), form });
}

/** Sends an already encoded body (JSON or YAML text) in the negotiated form. */
export function sendText(
  res: ServerResponse,
  opts: { status: number; text: string; form: ResponseForm },
): void {
  sendBytes(res, { status: opts.status, contentType: opts.form.contentType, body: opts.text });
}

/**
 * The JSON answer built from what storage holds serialized, when the client asked for the
 * objects as they are (plain JSON): an object's stored JSON, or a list's envelope around its
 * stored items — byte for byte what encoding the decoded objects would give, without decoding
 * and re-encoding them. Undefined when the answer has to be built (Table, YAML, metadata only).
 */
export function storedJson(result: ObjectResult | ListResultBody, form: ResponseForm): string | undefined {
  if (form.kind !== 'object' || form.format !== 'json') return undefined;
  if (result.type === 'object') return result.serialized;
  const { list, serializedItems } = result;
  if (!serializedItems) return undefined;
  // The list's own fields in its order (items is last); `items` itself is never read here.
  const envelope = JSON.stringify({ apiVersion: list.apiVersion, kind: list.kind, metadata: list.metadata });
  return `${envelope.slice(0, -1)},"items":[${serializedItems.join(',')}]}`;
}
