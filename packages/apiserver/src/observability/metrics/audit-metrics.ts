/**
 * kube-apiserver's audit metrics (k8s.io/apiserver/pkg/audit/metrics.go): events generated and
 * handed to the backends, by level too, and events a backend failed to deliver, by plugin.
 */
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';

export class AuditMetrics {
  private readonly events: Counter;
  private readonly levels: Counter<'level'>;
  private readonly errors: Counter<'plugin'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.events = new Counter({
      name: 'apiserver_audit_event_total',
      help: 'Counter of audit events generated and sent to the audit backend.',
      registers,
    });
    this.levels = new Counter({
      name: 'apiserver_audit_level_total',
      help: 'Counter of policy levels for audit events (1 per request).',
      labelNames: ['level'],
      registers,
    });
    this.errors = new Counter({
      name: 'apiserver_audit_error_total',
      help: 'Counter of audit events that failed to be audited properly. Plugin identifies the plugin affected by the error.',
      labelNames: ['plugin'],
      registers,
    });
    this.errors.inc({ plugin: 'log' }, 0);
  }

  /** One event handed to the backends. */
  processed(): void {
    this.events.inc();
  }

  /** One request audited at `level`. */
  leveled(level: string): void {
    this.levels.inc({ level });
  }

  failed(plugin: string, events: number): void {
    this.errors.inc({ plugin }, events);
  }
}
