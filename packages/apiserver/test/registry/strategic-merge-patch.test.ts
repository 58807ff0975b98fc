/** Strategic merge patch reads which lists merge from the schema's list semantics. */
import type { ListType, SchemaSemantics } from '@pwk/api';
import { StatusError } from '../../src/errors/status-error';
import { applyStrategicMergePatch } from '../../src/registry/strategic-merge-patch';
import { fooSemantics } from './test-kinds';

const ports: SchemaSemantics = {
  listTypeAt: (typePath): ListType =>
    typePath === 'spec.ports'
      ? { kind: 'keyed', keys: ['port', 'protocol'] }
      : typePath === 'spec.routes.*.hosts'
        ? { kind: 'set' }
        : { kind: 'atomic' },
  isMap: (typePath) => typePath === 'spec.routes',
};

describe('applyStrategicMergePatch', () => {
  it('merges a keyed list by its key and a set list as a set; other lists are replaced', () => {
    const original = {
      metadata: { finalizers: ['a'] },
      spec: { items: [1, 2] },
      status: {
        conditions: [
          { type: 'Ready', status: 'False' },
          { type: 'Synced', status: 'True' },
        ],
      },
    };
    const patched = applyStrategicMergePatch(
      original,
      {
        metadata: { finalizers: ['b'] },
        spec: { items: [3] },
        status: { conditions: [{ type: 'Ready', status: 'True' }] },
      },
      fooSemantics,
    );
    expect(patched).toEqual({
      metadata: { finalizers: ['a', 'b'] },
      spec: { items: [3] },
      status: {
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'Synced', status: 'True' },
        ],
      },
    });
  });

  it('matches items of a list with several keys on all of them, and deletes with $patch: delete', () => {
    const original = {
      spec: {
        ports: [
          { port: 80, protocol: 'TCP', name: 'a' },
          { port: 80, protocol: 'UDP' },
        ],
      },
    };
    const patched = applyStrategicMergePatch(
      original,
      {
        spec: {
          ports: [
            { port: 80, protocol: 'UDP', name: 'b' },
            { port: 80, protocol: 'TCP', $patch: 'delete' },
          ],
        },
      },
      ports,
    );
    expect(patched).toEqual({ spec: { ports: [{ port: 80, protocol: 'UDP', name: 'b' }] } });
  });

  it('finds lists inside map values by the map’s type path', () => {
    const patched = applyStrategicMergePatch(
      { spec: { routes: { web: { hosts: ['a.example.com'] } } } },
      { spec: { routes: { web: { hosts: ['b.example.com'] } } } },
      ports,
    );
    expect(patched).toEqual({ spec: { routes: { web: { hosts: ['a.example.com', 'b.example.com'] } } } });
  });

  it('refuses an item without all the merge keys (400)', () => {
    let caught: unknown;
    try {
      applyStrategicMergePatch({ spec: { ports: [] } }, { spec: { ports: [{ port: 80 }] } }, ports);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StatusError);
    expect((caught as StatusError).toStatus()).toMatchObject({
      code: 400,
      message:
        'unable to apply strategic merge patch: spec.ports: every element needs the merge keys "port", "protocol"',
    });
  });
});
