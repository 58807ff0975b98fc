/**
 * The apiVersion and kind a request body must carry, checked as the decoder checks them: a
 * missing one, or another group/version/kind than the endpoint serves, is a 400 in the
 * decoder's words.
 */
import { StatusError } from '../errors/status-error';
import type { KubeObject } from '../storage/interface';
import type { KindInfo } from './strategy';

export function checkTypeMeta(kind: Pick<KindInfo, 'group' | 'version' | 'kind'>, body: KubeObject): void {
  const expected = `${kind.group}/${kind.version}`;
  if (!body.kind) throw StatusError.badRequest(`Object 'Kind' is missing in '${JSON.stringify(body)}'`);
  if (!body.apiVersion)
    throw StatusError.badRequest(`Object 'apiVersion' is missing in '${JSON.stringify(body)}'`);
  if (body.apiVersion !== expected || body.kind !== kind.kind) {
    throw StatusError.badRequest(
      `the API version in the data (${body.apiVersion}) does not match the expected API version (${expected})` +
        (body.kind !== kind.kind ? ` or kind (${body.kind} vs ${kind.kind})` : ''),
    );
  }
}
