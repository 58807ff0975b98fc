/**
 * The request phases: `concurrency` clients, each sending its next request as soon as its last
 * one is answered (a closed loop), until `count` requests have been sent. Each phase checks the
 * status it expects; anything else counts as an error.
 */
import { nowMs, send } from './http-client';
import type { HttpClient } from './http-client';
import type { RequestSpec } from './http-client';
import { newFoo, objectPath, RESOURCE_PATH, namespaceOf } from './protocol';
import type { RequestPhase, Target } from './protocol';
import type { PhaseSample } from './stats';

export interface RequestPhaseInput {
  phase: RequestPhase;
  target: Target;
  client: HttpClient;
  count: number;
  objects: number;
  concurrency: number;
  prefix: string;
  /** The newest state of each object (name → object), kept for PUT bodies. */
  latest: Map<string, Record<string, unknown>>;
}

const EXPECTED_STATUS: Record<RequestPhase, number> = {
  create: 201,
  get: 200,
  'merge-patch': 200,
  update: 200,
  delete: 200,
  constant: 200,
};

function requestFor(input: RequestPhaseInput, i: number): RequestSpec {
  const n = i % input.objects;
  const path = objectPath(input.prefix, n);
  switch (input.phase) {
    case 'create':
      return {
        method: 'POST',
        path: `${RESOURCE_PATH}/namespaces/${namespaceOf(n)}/foos`,
        body: JSON.stringify(newFoo(input.prefix, n)),
      };
    case 'get':
      return { method: 'GET', path };
    case 'merge-patch':
      return {
        method: 'PATCH',
        path,
        body: JSON.stringify({ spec: { replicas: 2 + Math.floor(i / input.objects) } }),
        contentType: 'application/merge-patch+json',
      };
    case 'update': {
      const current = input.latest.get(`${input.prefix}-${n}`);
      if (!current) throw new Error(`update: no known state of ${input.prefix}-${n} (was it created?)`);
      const spec = (current.spec ?? {}) as Record<string, unknown>;
      return {
        method: 'PUT',
        path,
        body: JSON.stringify({ ...current, spec: { ...spec, replicas: Number(spec.replicas ?? 0) + 1 } }),
      };
    }
    case 'delete':
      return { method: 'DELETE', path };
    case 'constant':
      return { method: 'GET', path: '/constant' };
  }
}

/** Writes answer with the object's new state: keep it for the next PUT. */
function remember(input: RequestPhaseInput, i: number, body: Buffer): void {
  if (input.phase === 'create' || input.phase === 'merge-patch' || input.phase === 'update') {
    input.latest.set(`${input.prefix}-${i % input.objects}`, JSON.parse(body.toString('utf8')));
  } else if (input.phase === 'delete') {
    input.latest.delete(`${input.prefix}-${i % input.objects}`);
  }
}

export async function runRequestPhase(input: RequestPhaseInput): Promise<PhaseSample> {
  const latenciesMs: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const fail = (why: string) => {
    errors++;
    firstError ??= why;
  };
  let next = 0;
  const started = nowMs();
  const client = async () => {
    while (next < input.count) {
      const i = next++;
      let spec: RequestSpec;
      try {
        spec = requestFor(input, i);
      } catch (err) {
        fail(String((err as Error).message));
        continue;
      }
      const sent = nowMs();
      try {
        const answer = await send(input.client, spec);
        const took = nowMs() - sent;
        if (answer.status !== EXPECTED_STATUS[input.phase]) {
          fail(`${spec.method} ${spec.path}: ${answer.status} ${answer.body.toString('utf8').slice(0, 300)}`);
          continue;
        }
        latenciesMs.push(took);
        remember(input, i, answer.body);
      } catch (err) {
        fail(`${spec.method} ${spec.path}: ${String((err as Error).message)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: input.concurrency }, client));
  const sample: PhaseSample = { latenciesMs, errors, durationMs: nowMs() - started, ops: input.count };
  if (firstError !== undefined) sample.firstError = firstError;
  return sample;
}
