/** Creates events.k8s.io/v1 Events through client-node (the caller treats failure as best effort). */
import { EventsV1Api, V1MicroTime } from '@kubernetes/client-node';
import type { EventsV1Event, KubeConfig } from '@kubernetes/client-node';
import type { EventObject } from '../events';
import { apiCall } from './errors';
import { FIELD_MANAGER } from './identity';
import { makeApi } from './kubeconfig';
import type { ApiOptions } from './kubeconfig';

export type EventSink = (event: EventObject) => Promise<void>;

export function createEventSink(kc: KubeConfig, options: ApiOptions): EventSink {
  const api = makeApi(kc, EventsV1Api, options);
  return async (event) => {
    // V1MicroTime serialises with the six fractional digits the API server insists on.
    const body: EventsV1Event = { ...event, eventTime: new V1MicroTime(Date.parse(event.eventTime)) };
    await apiCall(() =>
      api.createNamespacedEvent({ namespace: event.metadata.namespace, body, fieldManager: FIELD_MANAGER }),
    );
  };
}
