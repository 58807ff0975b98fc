/** The events.k8s.io/v1 Event built for a change, in the shape the API server validates. */
import { buildEvent, microTime, REPORTING_CONTROLLER } from '../src/events';
import { newFoo } from './support/fake-foo-client';

describe('microTime', () => {
  it('writes exactly six fractional digits, as metav1.MicroTime must be', () => {
    expect(microTime(Date.UTC(2026, 0, 2, 3, 4, 5, 67))).toBe('2026-01-02T03:04:05.067000Z');
    expect(microTime(Date.UTC(2026, 0, 2, 3, 4, 5, 0))).toBe('2026-01-02T03:04:05.000000Z');
  });
});

describe('buildEvent', () => {
  it('names the Event after the object and the time, and points regarding at the Foo', () => {
    const foo = newFoo('demo-foo', { replicas: 51, location: 'Los Angeles' }, 'team-a');
    foo.metadata = { ...foo.metadata, uid: 'u-1', resourceVersion: '42' };
    const nowMs = Date.UTC(2026, 0, 1, 0, 0, 0, 5);
    const event = buildEvent(
      { regarding: foo, type: 'Normal', reason: 'LocationSet', action: 'Update', note: 'spec.location set' },
      { source: { reportingInstance: 'pwk-controller-host' }, nowMs },
    );
    expect(event).toEqual({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: `demo-foo.${(BigInt(nowMs) * 1_000_000n).toString(16)}`, namespace: 'team-a' },
      eventTime: '2026-01-01T00:00:00.005000Z',
      reportingController: REPORTING_CONTROLLER,
      reportingInstance: 'pwk-controller-host',
      action: 'Update',
      reason: 'LocationSet',
      note: 'spec.location set',
      type: 'Normal',
      regarding: {
        apiVersion: 'bar.pwk.educative.io/v1',
        kind: 'Foo',
        namespace: 'team-a',
        name: 'demo-foo',
        uid: 'u-1',
        resourceVersion: '42',
      },
    });
  });

  it('truncates the reporting instance to 128 and the note to 1 kB (API limits)', () => {
    const event = buildEvent(
      {
        regarding: newFoo('a'),
        type: 'Normal',
        reason: 'LocationSet',
        action: 'Update',
        note: 'n'.repeat(5000),
      },
      { source: { reportingInstance: 'i'.repeat(300) }, nowMs: 0 },
    );
    expect(event.reportingInstance).toHaveLength(128);
    expect(event.note).toHaveLength(1024);
  });
});
