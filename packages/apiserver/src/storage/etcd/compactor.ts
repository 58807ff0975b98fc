/**
 * Keeps etcd's history to a window of revisions (the etcd counterpart of the file store's
 * --event-window): once writes have moved `window + window/4` revisions past the last
 * compaction, compact to `newest - window`. Watches and list pages older than that get 410
 * Expired from etcd itself. Every replica may compact; compacting to a revision that another
 * replica already compacted past is harmless (etcd refuses it and nothing changes).
 */
import type { KVClient } from 'etcd3';
import type { StorageLogger } from '../logger';
import { describeError, isCompacted } from './etcd-errors';

export class RevisionWindowCompactor {
  private compactedTo: number;

  constructor(
    private readonly kv: KVClient,
    private readonly window: number,
    startRevision: number,
    private readonly logger: StorageLogger,
  ) {
    this.compactedTo = startRevision;
  }

  /** Called with each write's revision; compacts (and waits for it) when the window is exceeded. */
  async afterWrite(revision: number): Promise<void> {
    if (revision - this.compactedTo < this.window + Math.max(1, this.window >> 2)) return;
    const target = revision - this.window;
    this.compactedTo = target;
    try {
      await this.kv.compact({ revision: target });
    } catch (err) {
      if (!isCompacted(err))
        this.logger.warn('etcd compaction failed', { revision: target, error: describeError(err) });
    }
  }
}
