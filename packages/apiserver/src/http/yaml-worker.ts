/**
 * The YAML worker thread's entry: decodes each text it is sent with decodeYamlText and answers
 * with the value as JSON text (the event loop parses that as fast as a JSON body) or the error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { YamlDecodeError, decodeYamlText } from './yaml-text';

export interface YamlRequest {
  id: number;
  text: string;
}

export type YamlAnswer =
  | { id: number; json: string; duplicates: Array<{ line: number; key: string }> }
  | { id: number; error: string; refused: boolean };

const { maxDepth } = workerData as { maxDepth: number };

parentPort?.on('message', ({ id, text }: YamlRequest) => {
  let answer: YamlAnswer;
  try {
    const { value, duplicates } = decodeYamlText(text, maxDepth);
    answer = { id, json: JSON.stringify(value) ?? 'null', duplicates };
  } catch (err) {
    answer = { id, error: (err as Error).message, refused: err instanceof YamlDecodeError };
  }
  parentPort?.postMessage(answer);
});
