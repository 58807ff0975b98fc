/**
 * A FooClient over an in-memory "API server" with the rules that matter to the reconciler:
 * writes need the current resourceVersion (else 409 Conflict), every write bumps it, spec
 * changes bump generation, the main resource ignores status and /status ignores everything
 * but status. The reconciler reads from a cache that follows the server unless frozen (a lagging
 * informer). Every call is recorded; failures can be injected per operation.
 */
import type { Foo } from '../../src/foo';
import { FOO_API_VERSION as API_VERSION, FOO_KIND as KIND } from '../../src/foo';
import { ApiError } from '../../src/api-error';
import type { ObjectKey } from '../../src/object-key';
import type { FooClient, FooEvent } from '../../src/reconciler';

type Operation = 'updateSpec' | 'updateStatus' | 'recordEvent';

export interface WriteCall {
  op: Operation;
  body: Foo;
}

export function newFoo(name: string, spec: Foo['spec'] = { replicas: 1 }, namespace = 'default'): Foo {
  return { apiVersion: API_VERSION, kind: KIND, metadata: { name, namespace }, spec };
}

export class FakeFooClient implements FooClient {
  private readonly stored = new Map<string, Foo>();
  private cache = new Map<string, Foo>();
  private frozen = false;
  private version = 0;
  readonly calls: WriteCall[] = [];
  readonly events: FooEvent[] = [];
  private readonly failures = new Map<Operation, unknown[]>();

  /** Creates (or overwrites, as another writer would) an object; returns the stored copy. */
  put(foo: Foo): Foo {
    const key = `${foo.metadata.namespace}/${foo.metadata.name}`;
    const previous = this.stored.get(key);
    const generation = (previous?.metadata.generation ?? 0) + (sameSpec(previous, foo) ? 0 : 1);
    const next: Foo = structuredClone({
      ...foo,
      metadata: {
        ...foo.metadata,
        uid: `uid-${foo.metadata.name}`,
        generation,
        resourceVersion: String(++this.version),
      },
    });
    this.stored.set(key, next);
    if (!this.frozen) this.cache.set(key, structuredClone(next));
    return structuredClone(next);
  }

  /** Deletes an object (as another client would). */
  delete(name: string, namespace = 'default'): void {
    this.stored.delete(`${namespace}/${name}`);
    if (!this.frozen) this.cache.delete(`${namespace}/${name}`);
  }

  read(name: string, namespace = 'default'): Foo | undefined {
    return structuredClone(this.stored.get(`${namespace}/${name}`));
  }

  /** Stops the cache from following the server (a watch that has not delivered yet). */
  freezeCache(): void {
    this.frozen = true;
  }

  /** The cache catches up with everything written. */
  syncCache(): void {
    this.frozen = false;
    this.cache = new Map([...this.stored].map(([k, v]) => [k, structuredClone(v)]));
  }

  /** The next call of `op` fails with err (queue several for several calls). */
  failNext(op: Operation, err: unknown): void {
    this.failures.set(op, [...(this.failures.get(op) ?? []), err]);
  }

  writes(op?: Operation): WriteCall[] {
    return this.calls.filter((c) => c.op !== 'recordEvent' && (op === undefined || c.op === op));
  }

  get(key: ObjectKey): Foo | undefined {
    const foo = this.cache.get(`${key.namespace}/${key.name}`);
    return foo && structuredClone(foo);
  }

  async updateSpec(foo: Foo): Promise<Foo> {
    const current = this.precondition('updateSpec', foo);
    return this.put({ ...foo, status: current.status });
  }

  async updateStatus(foo: Foo): Promise<Foo> {
    const current = this.precondition('updateStatus', foo);
    const next = this.put({ ...current, status: foo.status });
    return next;
  }

  async recordEvent(event: FooEvent): Promise<void> {
    this.calls.push({ op: 'recordEvent', body: structuredClone(event.regarding) });
    this.injected('recordEvent');
    this.events.push(event);
  }

  private injected(op: Operation): void {
    const queued = this.failures.get(op);
    if (queued && queued.length > 0) throw queued.shift();
  }

  private precondition(op: Operation, foo: Foo): Foo {
    this.calls.push({ op, body: structuredClone(foo) });
    this.injected(op);
    const current = this.stored.get(`${foo.metadata.namespace}/${foo.metadata.name}`);
    if (!current)
      throw new ApiError({ code: 404, reason: 'NotFound', message: `foos "${foo.metadata.name}" not found` });
    if (foo.metadata.resourceVersion !== current.metadata.resourceVersion) {
      throw new ApiError({ code: 409, reason: 'Conflict', message: 'the object has been modified' });
    }
    return current;
  }
}

function sameSpec(a: Foo | undefined, b: Foo): boolean {
  return a !== undefined && JSON.stringify(a.spec ?? {}) === JSON.stringify(b.spec ?? {});
}
