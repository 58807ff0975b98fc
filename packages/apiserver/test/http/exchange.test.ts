import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { header, requestPath, requestQuery } from '../../src/http/exchange';
import type { ApiRequest } from '../../src/http/exchange';

function request(url: string, headers: Record<string, string | string[]> = {}): ApiRequest {
  const req = new IncomingMessage(new Socket()) as ApiRequest;
  req.url = url;
  req.method = 'GET';
  Object.assign(req.headers, headers);
  return req;
}

describe('the plain request helpers', () => {
  it('reads a header case-insensitively and takes the first of repeated values', () => {
    const req = request('/', { accept: 'application/json', 'set-cookie': ['a', 'b'] });
    expect(header(req, 'Accept')).toBe('application/json');
    expect(header(req, 'set-cookie')).toBe('a');
    expect(header(req, 'user-agent')).toBeUndefined();
  });

  it('parses the query as Express does, repeated names as arrays, escapes decoded', () => {
    const req = request('/apis/x?labelSelector=a%3Db&watch=1&watch=0&empty=');
    expect(requestQuery(req)).toEqual({ labelSelector: 'a=b', watch: ['1', '0'], empty: '' });
  });

  it('reads the URL as first received even after a router rewrote req.url', () => {
    const req = request('/apis/x?limit=5');
    req.originalUrl = req.url;
    req.url = '/x?limit=1';
    expect(requestPath(req)).toBe('/apis/x');
    expect(requestQuery(req)).toEqual({ limit: '5' });
  });

  it('keeps the path escaped as sent', () => {
    expect(requestPath(request('/apis/a%2Fb?x=1'))).toBe('/apis/a%2Fb');
    expect(requestQuery(request('/apis/a'))).toEqual({});
  });
});
