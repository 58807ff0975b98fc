/**
 * The body decoder on its own: duplicate keys named by field path (escapes and arrays included),
 * YAML decoded in the worker thread exactly as on the event loop, and a document that needs more
 * memory than the thread has refused with 400 while the next one is served by a fresh thread.
 */
import { createBodyDecoder } from '../../src/http/body';
import type { BodyDecoder } from '../../src/http/body';
import { duplicateJsonFields, scanJsonShape } from '../../src/http/json-text';

describe('the body decoder', () => {
  const decoders: BodyDecoder[] = [];
  const decoder = (options?: Parameters<typeof createBodyDecoder>[0]) => {
    const created = createBodyDecoder(options);
    decoders.push(created);
    return created;
  };
  afterAll(() => Promise.all(decoders.map((d) => d.close())));

  describe('JSON duplicates', () => {
    it('names each duplicate once by its path, with array indexes and unescaped keys', () => {
      const text =
        '{"a\\\\":1,"s":"x\\"\\\\","a\\\\":2,"l":[{"k":1},{"k":1,"\\u006b":2,"k":3}],"o":{"p":{"q":1,"q":2}}}';

      expect(duplicateJsonFields(text)).toEqual(['a\\', 'l[1].k', 'o.p.q']);
    });

    it('keeps only the keys at a given depth (a JSON patch: the operations themselves)', () => {
      const text = '[{"op":"add","op":"replace","value":{"x":1,"x":2}}]';

      expect(duplicateJsonFields(text, 2)).toEqual(['[0].op']);
    });

    it('counts members and stops at the first level past the limit', () => {
      expect(scanJsonShape('{"a":{"b":":"},"c":[1,{"d":2}]}', 10)).toEqual({ members: 4 });
      expect(scanJsonShape(`{"a":${'['.repeat(20)}`, 10)).toEqual({ tooDeepAt: '[', members: 1 });
    });

    it('reports no duplicates when there are none, and the last value wins when there are', async () => {
      const clean = await decoder().object(
        Buffer.from('{"metadata":{"name":"a"},"spec":{"replicas":1}}'),
        'json',
      );
      const twice = await decoder().object(Buffer.from('{"spec":{"replicas":1,"replicas":2}}'), 'json');

      expect(clean.duplicates).toBeUndefined();
      expect(twice).toEqual({
        value: { spec: { replicas: 2 } },
        duplicates: { yaml: false, messages: ['duplicate field "spec.replicas"'] },
      });
    });
  });

  describe('YAML', () => {
    const text = [
      'metadata:',
      '  name: a',
      'spec:',
      '  replicas: 1',
      '  list: [{k: 1}, {k: 2, k: 3}]',
      '  replicas: 2',
      '',
    ].join('\n');

    it('decodes in the worker thread exactly as on the event loop', async () => {
      const inline = await decoder().object(Buffer.from(text), 'yaml');
      const threaded = await decoder({ yamlInlineBytes: 0 }).object(Buffer.from(text), 'yaml');

      expect(threaded).toEqual(inline);
      expect(inline).toEqual({
        value: { metadata: { name: 'a' }, spec: { replicas: 2, list: [{ k: 1 }, { k: 3 }] } },
        duplicates: {
          yaml: true,
          messages: ['line 5: key "k" already set in map', 'line 6: key "replicas" already set in map'],
        },
      });
    });

    it('refuses a document that needs more memory than the thread has, then serves the next one', async () => {
      const small = decoder({ yamlInlineBytes: 0, yamlThreadHeapMb: 96 });
      const keys = Array.from({ length: 120_000 }, (_, i) => `  k${i}: ${i}`).join('\n');

      await expect(small.object(Buffer.from(`extra:\n${keys}\n`), 'yaml')).rejects.toMatchObject({
        code: 400,
        message: expect.stringContaining('the document needs more memory than a request may use'),
      });
      await expect(small.object(Buffer.from(text), 'yaml')).resolves.toMatchObject({
        value: { metadata: { name: 'a' } },
      });
    }, 60_000);
  });
});
