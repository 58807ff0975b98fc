/** Request bodies: JSON or YAML into a plain object; anything else is a 400 and nothing is written. */
import { parse as parseYaml } from 'yaml';
import { StatusError } from '../errors/status-error';
import type { KubeObject } from '../storage/interface';

export function decodeObject(raw: Buffer | undefined, format: 'json' | 'yaml'): KubeObject {
  const text = raw?.toString('utf8') ?? '';
  if (text.trim() === '') throw StatusError.badRequest('the request body is empty; an object is required');
  let value: unknown;
  try {
    value = format === 'json' ? JSON.parse(text) : parseYaml(text, { prettyErrors: false, uniqueKeys: true });
  } catch (err) {
    const detail = (err as Error).message.split('\n')[0];
    throw StatusError.badRequest(`couldn't get version/kind; ${format} parse error: ${detail}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw StatusError.badRequest(`couldn't get version/kind; the body is not an object`);
  }
  const obj = value as KubeObject;
  if (
    obj.metadata !== undefined &&
    (obj.metadata === null || typeof obj.metadata !== 'object' || Array.isArray(obj.metadata))
  ) {
    throw StatusError.badRequest('metadata must be an object');
  }
  return obj;
}

/** Any JSON/YAML value (DeleteOptions bodies and patches); empty → undefined. */
export function decodeOptional(raw: Buffer | undefined, format: 'json' | 'yaml'): unknown {
  const text = raw?.toString('utf8') ?? '';
  if (text.trim() === '') return undefined;
  try {
    return format === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw StatusError.badRequest(`${format} parse error: ${(err as Error).message.split('\n')[0]}`);
  }
}
