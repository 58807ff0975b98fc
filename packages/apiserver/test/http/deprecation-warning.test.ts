/**
 * A deprecated version's Warning header, as a CRD's handler sends it: on every answer of the
 * version's resource — reads, writes, lists, watches, errors — and before the request's own
 * warnings. The kind here (Gadget, namespaced, with a status subresource) exists only in this
 * test; its one version is served, stored and deprecated.
 */
import { z } from 'zod';
import { defineKind } from '@pwk/api';
import { REGISTERED_KINDS } from '../../src/apis/registered-kinds';
import { widgetSchema } from '../support/kinds/widget-kind';
import { openWatchStream, startTestServer } from '../support/server';
import type { TestServer } from '../support/server';

const GROUP = 'gadgets.example.com';
const gadgetKind = defineKind({
  group: GROUP,
  kind: 'Gadget',
  plural: 'gadgets',
  singular: 'gadget',
  scope: 'Namespaced',
  versions: [
    {
      name: 'v1alpha1',
      served: true,
      storage: true,
      deprecated: true,
      schema: widgetSchema.extend({ apiVersion: z.literal(`${GROUP}/v1alpha1`), kind: z.literal('Gadget') }),
      subresources: { status: {} },
    },
  ],
});
const WARNING = `299 - "${GROUP}/v1alpha1 Gadget is deprecated"`;
const collection = `/apis/${GROUP}/v1alpha1/namespaces/default/gadgets`;
const body = (name: string, spec: Record<string, unknown> = { colour: 'red' }) => ({
  apiVersion: `${GROUP}/v1alpha1`,
  kind: 'Gadget',
  metadata: { name },
  spec,
});

describe('the Warning of a deprecated version', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ kinds: [...REGISTERED_KINDS, gadgetKind] });
  });
  afterAll(() => server.stop());

  it('comes with a create, a get, a list and a delete', async () => {
    const created = await server.request('POST', collection, { body: body('g1') });
    expect(created.status).toBe(201);
    expect(created.headers.warning).toBe(WARNING);
    const got = await server.request('GET', `${collection}/g1`);
    expect(got.headers.warning).toBe(WARNING);
    expect((await server.request('GET', collection)).headers.warning).toBe(WARNING);
    expect((await server.request('GET', `/apis/${GROUP}/v1alpha1/gadgets`)).headers.warning).toBe(WARNING);
    const deleted = await server.request('DELETE', `${collection}/g1`);
    expect(deleted.status).toBe(200);
    expect(deleted.headers.warning).toBe(WARNING);
  });

  it('comes with an error answer too', async () => {
    const missing = await server.request('GET', `${collection}/nothing`);
    expect(missing.status).toBe(404);
    expect(missing.headers.warning).toBe(WARNING);
  });

  it('comes first, before the request’s own warnings', async () => {
    const res = await server.request('POST', `${collection}?fieldValidation=Warn`, {
      body: body('g2', { colour: 'red', flavour: 'mint' }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.warning).toEqual([WARNING, '299 - "unknown field \\"spec.flavour\\""'].join(', '));
  });

  it('comes with the status subresource and with a watch', async () => {
    await server.request('POST', collection, { body: body('g3') });
    expect((await server.request('GET', `${collection}/g3/status`)).headers.warning).toBe(WARNING);
    const stream = await openWatchStream(server, `${collection}?watch=true`);
    expect(stream.headers.warning).toBe(WARNING);
    stream.close();
  });

  it('never comes with a version that is not deprecated (Foo v1)', async () => {
    const res = await server.request('GET', '/apis/bar.pwk.educative.io/v1/namespaces/default/foos');
    expect(res.status).toBe(200);
    expect(res.headers.warning).toBeUndefined();
  });

  it('names the newer version when the kind serves one (Foo v1beta1 → v1)', async () => {
    const res = await server.request('GET', '/apis/bar.pwk.educative.io/v1beta1/namespaces/default/foos');
    expect(res.status).toBe(200);
    expect(res.headers.warning).toBe(
      '299 - "bar.pwk.educative.io/v1beta1 Foo is deprecated; use bar.pwk.educative.io/v1 Foo"',
    );
  });
});
