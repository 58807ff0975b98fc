/**
 * Which served resources are the same objects, as admission's matchPolicy Equivalent reads it:
 * the versions of one kind (Foo's v1 and v1beta1), never another kind (Widget), and what a
 * request to each carries; objects convert to the version named and are left alone otherwise.
 */
import { equivalentResourcesOf } from '../../src/apis/equivalent-resources';
import { installKinds } from '../../src/apis/installed-api';
import { REGISTERED_KINDS } from '../../src/apis/registered-kinds';
import { WIDGET_GROUP, WIDGET_VERSION, widgetKind } from '../support/kinds/widget-kind';

const GROUP = 'bar.pwk.educative.io';
const PAUSED_ANNOTATION = `${GROUP}/v1-spec-paused`;
const foos = (version: string) => ({ group: GROUP, version, resource: 'foos' });
const fooKindAt = (version: string) => ({ group: GROUP, version, kind: 'Foo' });
const widgets = { group: WIDGET_GROUP, version: WIDGET_VERSION, resource: 'widgets' };

describe('equivalent resources', () => {
  const equivalents = equivalentResourcesOf(installKinds([...REGISTERED_KINDS, widgetKind]));

  it('lists every served version of a kind, itself included, in priority order', () => {
    expect(equivalents.equivalentResourcesFor(foos('v1beta1'), '')).toEqual([foos('v1'), foos('v1beta1')]);
    expect(equivalents.equivalentResourcesFor(foos('v1'), 'status')).toEqual([foos('v1'), foos('v1beta1')]);
    expect(equivalents.equivalentResourcesFor(widgets, '')).toEqual([widgets]);
    const unknown = { group: 'apps', version: 'v1', resource: 'deployments' };
    expect(equivalents.equivalentResourcesFor(unknown, '')).toEqual([unknown]);
  });

  it('names the kind a request to a resource or subresource carries', () => {
    expect(equivalents.kindFor(foos('v1'), '')).toEqual(fooKindAt('v1'));
    expect(equivalents.kindFor(foos('v1beta1'), 'status')).toEqual(fooKindAt('v1beta1'));
    expect(equivalents.kindFor(foos('v1beta1'), 'scale')).toEqual({
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
    });
    // Widget has neither status nor scale; nothing has a subresource `exec`.
    expect(equivalents.kindFor(widgets, 'scale')).toBeUndefined();
    expect(equivalents.kindFor(widgets, 'status')).toBeUndefined();
    expect(equivalents.kindFor(foos('v1'), 'exec')).toBeUndefined();
    expect(equivalents.kindFor(foos('v2'), '')).toBeUndefined();
  });

  it('converts an object to another version of its kind, without defaulting, and leaves the original', () => {
    const v1beta1 = {
      apiVersion: `${GROUP}/v1beta1`,
      kind: 'Foo',
      metadata: { name: 'a', annotations: { [PAUSED_ANNOTATION]: 'true' } },
      spec: { replicas: 1 },
    };
    expect(equivalents.convert(v1beta1, fooKindAt('v1'))).toEqual({
      apiVersion: `${GROUP}/v1`,
      kind: 'Foo',
      metadata: { name: 'a' },
      spec: { replicas: 1, paused: true },
    });
    expect(v1beta1.metadata.annotations).toEqual({ [PAUSED_ANNOTATION]: 'true' });
    // v1 defaults paused to false; the view shows only what the request held.
    const plain = { ...v1beta1, metadata: { name: 'b' } };
    expect(equivalents.convert(plain, fooKindAt('v1')).spec).toEqual({ replicas: 1 });
  });

  it('hands back the object itself where there is nothing to convert', () => {
    const v1 = { apiVersion: `${GROUP}/v1`, kind: 'Foo', metadata: { name: 'a' }, spec: {} };
    expect(equivalents.convert(v1, fooKindAt('v1'))).toBe(v1);
    const scale = {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'a' },
      spec: { replicas: 2 },
    };
    expect(equivalents.convert(scale, { group: 'autoscaling', version: 'v1', kind: 'Scale' })).toBe(scale);
    const widget = {
      apiVersion: `${WIDGET_GROUP}/${WIDGET_VERSION}`,
      kind: 'Widget',
      metadata: { name: 'w' },
    };
    expect(equivalents.convert(widget, fooKindAt('v1'))).toBe(widget);
  });
});
