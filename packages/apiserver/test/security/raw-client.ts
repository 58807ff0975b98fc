/**
 * A hand-driven TLS client for the tests that need a client to misbehave: send part of a request
 * and stall (slowloris, slow uploads), then read whatever the server answers and see whether it
 * hung up.
 */
import tls from 'node:tls';
import type { TLSSocket } from 'node:tls';

export interface RawClient {
  socket: TLSSocket;
  /** Everything received so far. */
  received(): string;
  /** Resolves when the server closes the connection. */
  closed: Promise<void>;
  send(text: string): void;
  destroy(): void;
}

export function connectRaw(url: string, ca: Buffer): Promise<RawClient> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: hostname, port: Number(port), ca, servername: 'localhost' }, () => {
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      const closed = new Promise<void>((done) => socket.once('close', () => done()));
      resolve({
        socket,
        received: () => text,
        closed,
        send: (data) => void socket.write(data),
        destroy: () => socket.destroy(),
      });
    });
    socket.once('error', reject);
    // Errors after connecting (the server cutting us off) are expected; closed reports them.
    socket.on('error', () => undefined);
  });
}

/** The first line and the headers of a POST whose body will follow (or not). */
export function postHead(path: string, opts: { token: string; contentLength: number }): string {
  return [
    `POST ${path} HTTP/1.1`,
    'Host: localhost',
    `Authorization: Bearer ${opts.token}`,
    'Content-Type: application/json',
    `Content-Length: ${opts.contentLength}`,
    '',
    '',
  ].join('\r\n');
}
