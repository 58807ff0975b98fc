/** The start-up scan's file reader: every file read whole and alone, whatever its size. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readObjectText } from '../../src/storage/file/read-object-text';

describe('readObjectText', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-read-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const file = async (name: string, text: string) => {
    const target = path.join(dir, name);
    await writeFile(target, text);
    return target;
  };

  it('reads a shorter file after a longer one without any of the longer one left in', async () => {
    const long = await file('long.json', JSON.stringify({ spec: { location: 'Los Angeles'.repeat(100) } }));
    const short = await file('short.json', '{"a":1}');
    expect(readObjectText(long)).toContain('Los Angeles');
    expect(readObjectText(short)).toBe('{"a":1}');
  });

  it.each([64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 300 * 1024])(
    'reads a file of %i bytes whole, multi-byte characters included',
    async (bytes) => {
      // Ends in 'é', two bytes in UTF-8: a read that cut the file short would show.
      const head = '{"v":"';
      const tail = 'é"}';
      const text = head + 'x'.repeat(bytes - Buffer.byteLength(head + tail)) + tail;
      expect(Buffer.byteLength(text)).toBe(bytes);
      expect(readObjectText(await file('sized.json', text))).toBe(text);
    },
  );

  it('throws for a file that is not there, as the scan expects of a read', () => {
    expect(() => readObjectText(path.join(dir, 'missing.json'))).toThrow(/ENOENT/);
  });
});
