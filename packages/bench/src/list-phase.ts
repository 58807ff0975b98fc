/**
 * The list phases: one client lists `reps` times, one request after another (a list is
 * judged by its latency, not by how many fit in a second). With a page size, every page is one
 * sample and the client follows `continue` to the end. The answer's item count is checked.
 */
import { nowMs, send } from './http-client';
import type { HttpClient } from './http-client';
import type { Target } from './protocol';
import type { PhaseSample } from './stats';

export interface ListPhaseInput {
  target: Target;
  client: HttpClient;
  path: string;
  reps: number;
  expectItems: number;
  pageSize: number;
}

interface ListBody {
  metadata?: { continue?: string };
  items?: unknown[];
}

export async function runListPhase(input: ListPhaseInput): Promise<PhaseSample> {
  const latenciesMs: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let ops = 0;
  const fail = (why: string) => {
    errors++;
    firstError ??= why;
  };
  const separator = input.path.includes('?') ? '&' : '?';
  for (let rep = 0; rep < input.reps; rep++) {
    let items = 0;
    let token: string | undefined;
    do {
      const paging = input.pageSize
        ? `${separator}limit=${input.pageSize}${token ? `&continue=${encodeURIComponent(token)}` : ''}`
        : '';
      const path = `${input.path}${paging}`;
      ops++;
      const sent = nowMs();
      let answer;
      try {
        answer = await send(input.client, { method: 'GET', path });
      } catch (err) {
        fail(`GET ${path}: ${String((err as Error).message)}`);
        break;
      }
      const took = nowMs() - sent;
      if (answer.status !== 200) {
        fail(`GET ${path}: ${answer.status} ${answer.body.toString('utf8').slice(0, 300)}`);
        break;
      }
      latenciesMs.push(took);
      // Parsed outside the timed span: the client's decoding is not the server's latency.
      const body = JSON.parse(answer.body.toString('utf8')) as ListBody;
      items += body.items?.length ?? 0;
      token = body.metadata?.continue || undefined;
    } while (token);
    if (items !== input.expectItems) fail(`GET ${input.path}: ${items} items, expected ${input.expectItems}`);
  }
  // A serial phase's rate is one over its mean latency: the client's own decoding is left out.
  const durationMs = latenciesMs.reduce((sum, ms) => sum + ms, 0);
  const sample: PhaseSample = { latenciesMs, errors, durationMs, ops };
  if (firstError !== undefined) sample.firstError = firstError;
  return sample;
}
