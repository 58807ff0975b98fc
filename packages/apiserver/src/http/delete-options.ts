/**
 * metav1.DeleteOptions as the delete handler reads them: from a JSON/YAML body when there is one
 * (kubectl sends `{"propagationPolicy":"Background"}`; the namespace controller and the garbage
 * collector send theirs), else from the query (`?propagationPolicy=Orphan&gracePeriodSeconds=0`).
 * Wrong types are a 400 as the decoder says it; combinations ValidateDeleteOptions forbids are a
 * 422 on meta.k8s.io DeleteOptions.
 */
import { StatusError } from '../errors/status-error';
import type { StatusCause } from '../errors/status-error';
import type { DeletionOptions, PropagationPolicy } from '../registry/deletion';
import type { Preconditions } from '../storage/interface';
import type { BodyDecoder } from './body';
import { header, requestQuery } from './exchange';
import type { ApiRequest } from './exchange';
import { bodyFormat } from './negotiation';
import { boolParam, intParam, parseWriteOptions, queryValue } from './query';

const PROPAGATION_POLICIES: readonly string[] = ['Foreground', 'Background', 'Orphan'];

const invalid = (cause: StatusCause) =>
  StatusError.invalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', [cause]);

const badType = (field: string, want: string, value: unknown) =>
  StatusError.badRequest(
    `json: cannot unmarshal ${Array.isArray(value) ? 'array' : typeof value} into Go struct field DeleteOptions.${field} of type ${want}`,
  );

/** ValidateDeleteOptions: the garbage collector's policies or none; not beside orphanDependents. */
function checkPropagationPolicy(policy: unknown, orphanDependents: unknown): PropagationPolicy | undefined {
  if (policy === undefined) return undefined;
  if (orphanDependents !== undefined) {
    throw invalid({
      reason: 'FieldValueInvalid',
      field: 'propagationPolicy',
      message: `Invalid value: ${JSON.stringify(policy)}: orphanDependents and deletionPropagation cannot be both set`,
    });
  }
  if (typeof policy === 'string' && PROPAGATION_POLICIES.includes(policy)) return policy as PropagationPolicy;
  throw invalid({
    reason: 'FieldValueNotSupported',
    field: 'propagationPolicy',
    message: `Unsupported value: ${JSON.stringify(policy)}: supported values: ${[...PROPAGATION_POLICIES, 'nil'].map((v) => `"${v}"`).join(', ')}`,
  });
}

/** `null` in a body means the field is unset, as for a Go pointer. */
function present(value: unknown): unknown {
  return value === null ? undefined : value;
}

function bodyPreconditions(value: unknown): Preconditions | undefined {
  const pre = present(value);
  if (pre === undefined) return undefined;
  if (typeof pre !== 'object' || Array.isArray(pre)) throw badType('preconditions', 'v1.Preconditions', pre);
  const { uid, resourceVersion } = pre as Record<string, unknown>;
  for (const [field, v] of Object.entries({ uid, resourceVersion })) {
    if (present(v) !== undefined && typeof v !== 'string')
      throw badType(`preconditions.${field}`, 'string', v);
  }
  const result: Preconditions = {};
  if (typeof uid === 'string') result.uid = uid;
  if (typeof resourceVersion === 'string') result.resourceVersion = resourceVersion;
  return result;
}

function fromBody(body: Record<string, unknown>): Omit<DeletionOptions, 'dryRun'> & { dryRun: boolean } {
  const orphanDependents = present(body.orphanDependents);
  if (orphanDependents !== undefined && typeof orphanDependents !== 'boolean')
    throw badType('orphanDependents', 'bool', orphanDependents);
  const grace = present(body.gracePeriodSeconds);
  if (grace !== undefined && !(typeof grace === 'number' && Number.isSafeInteger(grace)))
    throw badType('gracePeriodSeconds', 'int64', grace);
  const dryRun = present(body.dryRun);
  if (dryRun !== undefined && !(Array.isArray(dryRun) && dryRun.every((v) => typeof v === 'string')))
    throw badType('dryRun', '[]string', dryRun);
  for (const value of (dryRun as string[] | undefined) ?? []) {
    if (value !== 'All') {
      throw invalid({
        reason: 'FieldValueNotSupported',
        field: 'dryRun',
        message: `Unsupported value: ${JSON.stringify(value)}: supported values: "All"`,
      });
    }
  }
  return {
    preconditions: bodyPreconditions(body.preconditions),
    propagationPolicy: checkPropagationPolicy(present(body.propagationPolicy), orphanDependents),
    orphanDependents: orphanDependents as boolean | undefined,
    gracePeriodSeconds: grace as number | undefined,
    dryRun: ((dryRun as string[] | undefined) ?? []).includes('All'),
  };
}

function fromQuery(req: ApiRequest): Omit<DeletionOptions, 'dryRun'> {
  const query = requestQuery(req);
  const orphanText = queryValue(query, 'orphanDependents');
  const orphanDependents = orphanText ? boolParam(query, 'orphanDependents') : undefined;
  return {
    propagationPolicy: checkPropagationPolicy(
      queryValue(query, 'propagationPolicy') || undefined,
      orphanDependents,
    ),
    orphanDependents,
    gracePeriodSeconds: intParam(query, 'gracePeriodSeconds'),
  };
}

export async function parseDeleteOptions(req: ApiRequest, decoder: BodyDecoder): Promise<DeletionOptions> {
  const raw = req.body as Buffer | undefined;
  const format = raw?.length ? bodyFormat(header(req, 'content-type'), ['json', 'yaml']) : 'json';
  // DeleteOptions are decoded leniently in Kubernetes too: a duplicate key's last value wins.
  const body = (await decoder.optional(raw, format as 'json' | 'yaml')).value;
  if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
    throw StatusError.badRequest('the body of a delete must be a DeleteOptions object');
  }
  // A body replaces the query's options, as the delete handler decodes one or the other; dryRun
  // counts from either.
  const queryDryRun = parseWriteOptions(requestQuery(req)).dryRun;
  if (body !== undefined && body !== null) {
    const options = fromBody(body as Record<string, unknown>);
    return { ...options, dryRun: options.dryRun || queryDryRun };
  }
  return { ...fromQuery(req), dryRun: queryDryRun };
}
