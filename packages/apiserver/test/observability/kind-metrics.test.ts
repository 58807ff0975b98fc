/**
 * Request and watch metrics for every installed kind, labelled with its own group, version,
 * resource and kind: the cluster-scoped Widget beside Foo.
 */
import { TEST_KINDS, WIDGET_FIXTURE as WIDGET } from '../support/kinds/fixtures';
import { parseExposition, sampleSum } from '../support/exposition';
import { eventually, openWatchStream, startTestServer } from '../support/server';
import type { TestServer } from '../support/server';

describe('metrics of a second, cluster-scoped kind', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ kinds: TEST_KINDS });
  });
  afterAll(() => server.stop());

  it('labels its requests and watch events with its group, version, resource and kind', async () => {
    expect((await server.request('POST', WIDGET.collection(), { body: WIDGET.body('m1') })).status).toBe(201);
    expect((await server.request('GET', WIDGET.item('m1'))).status).toBe(200);
    expect((await server.request('GET', WIDGET.collection())).status).toBe(200);
    const stream = await openWatchStream(server, `${WIDGET.collection()}?watch=true&resourceVersion=0`);
    await eventually(() => stream.events.length >= 1, 'the initial event');
    stream.close();

    const exposition = parseExposition((await server.request('GET', '/metrics')).text);
    const requests = (labels: Record<string, string>) =>
      sampleSum(exposition, 'apiserver_request_total', {
        group: WIDGET.group,
        version: WIDGET.version,
        resource: WIDGET.plural,
        subresource: '',
        ...labels,
      });
    expect(requests({ verb: 'POST', scope: 'resource', code: '201' })).toBe(1);
    expect(requests({ verb: 'GET', scope: 'resource', code: '200' })).toBe(1);
    expect(requests({ verb: 'LIST', scope: 'cluster', code: '200' })).toBe(1);
    expect(
      sampleSum(exposition, 'apiserver_watch_events_total', {
        group: WIDGET.group,
        version: WIDGET.version,
        kind: 'Widget',
      }),
    ).toBeGreaterThanOrEqual(1);
  });
});
