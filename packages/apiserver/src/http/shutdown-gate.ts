/**
 * Graceful shutdown at the request level, as k8s.io/apiserver's WithWaitGroup and
 * WithWatchTerminationDuringShutdown filters do it: once the shutdown delay has passed, every new
 * request — on a new connection or an open keep-alive one, watches included — gets 503
 * `apiserver is shutting down` with `Retry-After: 1` and `Connection: close`, open watches are
 * ended at once (a clean end of stream, so clients re-watch elsewhere), and the server waits only
 * for the requests already in flight. Health checks stay answerable throughout.
 */
import { StatusError } from '../errors/status-error';
import type { ApiHandler } from './exchange';
import { requestUrl } from './exchange';
import { sendStatusError } from './status';

const HEALTH_PATHS = ['/healthz', '/livez', '/readyz'];

function isHealthCheck(url: string): boolean {
  const path = url.split('?')[0]!;
  return HEALTH_PATHS.some((p) => path === p || path.startsWith(`${p}/`));
}

export interface ShutdownGate {
  /** The first filter. */
  readonly filter: ApiHandler;
  /** Aborted when open watches must end. */
  readonly watchesEnd: AbortSignal;
  /** From now on new requests are refused and open watches end. */
  closeGate(): void;
  /** Resolves once no admitted request is in flight. */
  drained(): Promise<void>;
  readonly inFlight: number;
}

export function createShutdownGate(): ShutdownGate {
  const watches = new AbortController();
  let closed = false;
  let inFlight = 0;
  let onDrained: (() => void) | undefined;

  const filter: ApiHandler = (req, res, next) => {
    if (closed && !isHealthCheck(requestUrl(req))) {
      res.setHeader('Retry-After', '1');
      res.setHeader('Connection', 'close');
      sendStatusError(res, StatusError.serviceUnavailable('apiserver is shutting down'));
      return;
    }
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      if (inFlight === 0) onDrained?.();
    });
    next();
  };

  return {
    filter,
    watchesEnd: watches.signal,
    closeGate() {
      closed = true;
      watches.abort();
    },
    drained: () =>
      inFlight === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            onDrained = resolve;
          }),
    get inFlight() {
      return inFlight;
    },
  };
}
