/** The start-up check of stored objects, from the installed kinds' schemas. */
import { objectCheckFor } from '../../src/server/loaded-object-check';
import { widgets } from '../registry/test-kinds';

describe('objectCheckFor', () => {
  const { kind } = widgets();
  const check = objectCheckFor([kind]);
  const widget = (extra: Record<string, unknown> = {}) => ({
    apiVersion: 'example.com/v1alpha1',
    kind: 'Widget',
    metadata: { name: 'w', resourceVersion: '3' },
    spec: { size: 2 },
    ...extra,
  });

  it('passes an object its kind’s schema accepts', () => {
    expect(check('example.com/widgets', widget())).toBeUndefined();
  });

  it('names one problem bare and several in brackets, as an aggregate error prints', () => {
    expect(check('example.com/widgets', widget({ spec: { size: -1 } }))).toMatch(/^spec\.size: /);
    expect(check('example.com/widgets', widget({ spec: { size: -1 }, colour: 'red' }))).toMatch(
      /^\[spec\.size: .*, unknown field "colour"\]$/,
    );
  });

  it('checks nothing in a collection no kind is installed for', () => {
    expect(check('example.com/gadgets', { nonsense: true })).toBeUndefined();
  });
});
