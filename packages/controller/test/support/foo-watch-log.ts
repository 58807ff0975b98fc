/**
 * An independent observer of every Foo write: a watch on all foos that reconnects from the
 * last resourceVersion when the apiserver restarts (relisting when that version has expired),
 * and counts per Foo its writes (MODIFIED events) and those that changed spec, plus any write
 * that changed spec without bumping generation (a status write must never do that). Writes
 * hidden by a relist are not counted: `relists` says whether that happened. `resourceVersion`
 * is the newest version seen.
 */
import type { Foo } from '../../src/foo';
import type { ApiserverProcess } from './apiserver-process';

const FOOS = '/apis/bar.pwk.educative.io/v1/foos';

export class FooWatchLog {
  readonly latest = new Map<string, Foo>();
  readonly specWrites = new Map<string, number>();
  readonly writes = new Map<string, number>();
  readonly specChangesWithoutGeneration: string[] = [];
  relists = 0;
  resourceVersion = '0';
  private expired = false;
  private closed = false;
  private current: { close(): void } | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly server: ApiserverProcess) {}

  async start(): Promise<void> {
    await this.relist();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.closed = true;
    this.current?.close();
    await this.loop;
  }

  /** Total spec-changing writes seen for `namespace/name`. */
  specWritesOf(key: string): number {
    return this.specWrites.get(key) ?? 0;
  }

  /** Total writes (any MODIFIED) seen for `namespace/name`. */
  writesOf(key: string): number {
    return this.writes.get(key) ?? 0;
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      const watch = this.server.watch(`${FOOS}?watch=1&resourceVersion=${this.resourceVersion}`, (event) =>
        this.record(event.type, event.object as unknown as Foo),
      );
      this.current = watch;
      await watch.ended;
      if (this.closed) return;
      if (this.expired) {
        this.expired = false;
        this.relists++;
        await this.relist().catch(() => undefined);
      } else {
        await new Promise((r) => setTimeout(r, 100)); // the server is restarting
      }
    }
  }

  private async relist(): Promise<void> {
    const list = await this.server.request<{ metadata: { resourceVersion: string }; items: Foo[] }>(
      'GET',
      FOOS,
    );
    for (const foo of list.body.items) this.latest.set(`${foo.metadata.namespace}/${foo.metadata.name}`, foo);
    this.resourceVersion = list.body.metadata.resourceVersion;
  }

  private record(type: string, foo: Foo): void {
    if (type === 'ERROR') {
      this.expired = (foo as unknown as { code?: number }).code === 410;
      return;
    }
    if (foo.metadata?.resourceVersion) this.resourceVersion = foo.metadata.resourceVersion;
    if (type !== 'ADDED' && type !== 'MODIFIED') return;
    const key = `${foo.metadata.namespace}/${foo.metadata.name}`;
    const before = this.latest.get(key);
    this.latest.set(key, foo);
    if (type !== 'MODIFIED' || !before) return;
    this.writes.set(key, this.writesOf(key) + 1);
    if (JSON.stringify(before.spec) === JSON.stringify(foo.spec)) return;
    this.specWrites.set(key, this.specWritesOf(key) + 1);
    if (before.metadata.generation === foo.metadata.generation) this.specChangesWithoutGeneration.push(key);
  }
}
