/**
 * The audit pipeline put together from the flags, as kube-apiserver's audit options do: a policy
 * (--audit-policy-file) and the backends it feeds (--audit-log-path, --audit-webhook-config-file).
 * Without a policy nothing is audited; without a backend the policy has nowhere to go — both
 * said once at start-up. A policy or webhook kubeconfig that cannot be read stops start-up.
 */
import { loadKubeconfig } from '../auth/cluster-connection';
import { createKubeClient } from '../auth/kube-client';
import type { RequestAttributes } from '../auth/request-attributes';
import type { UserInfo } from '../auth/user';
import type { AuditConfig } from '../config/observability-flags';
import type { Logger } from '../logging/logger';
import { createLogBackend } from '../observability/audit/log-backend';
import { auditPolicyEvaluator, loadAuditPolicy } from '../observability/audit/policy';
import type { AuditDecision } from '../observability/audit/policy';
import { backendReport, createAuditSink } from '../observability/audit/sink';
import type { AuditBackend, AuditSink } from '../observability/audit/sink';
import { createWebhookBackend } from '../observability/audit/webhook-backend';
import type { WebhookBatchOptions } from '../observability/audit/webhook-backend';
import type { AuditMetrics } from '../observability/metrics/audit-metrics';

export interface Audit {
  decide(user: UserInfo, attributes: RequestAttributes): AuditDecision;
  sink: AuditSink;
}

export async function setUpAudit(opts: {
  config: AuditConfig;
  logger: Logger;
  metrics: AuditMetrics;
  /** Tests: shorter webhook batching than kube's defaults. */
  webhookBatch?: Partial<WebhookBatchOptions>;
}): Promise<Audit | undefined> {
  const { config, logger, metrics } = opts;
  const wantsBackend = Boolean(config.logPath || config.webhookConfigFile);
  if (!config.policyFile) {
    if (wantsBackend) logger.warn('no --audit-policy-file: nothing is audited');
    return undefined;
  }
  const policy = await loadAuditPolicy(config.policyFile);
  if (!wantsBackend) {
    logger.warn(
      '--audit-policy-file without --audit-log-path or --audit-webhook-config-file: nothing is audited',
    );
    return undefined;
  }
  const backends: AuditBackend[] = [];
  if (config.webhookConfigFile) {
    const connection = await loadKubeconfig(config.webhookConfigFile);
    backends.push(
      createWebhookBackend({
        client: createKubeClient(connection),
        report: backendReport({ plugin: 'webhook', logger, metrics }),
        batch: opts.webhookBatch,
      }),
    );
  }
  if (config.logPath) {
    backends.push(
      createLogBackend({
        path: config.logPath,
        maxAgeDays: config.logMaxAgeDays,
        maxBackups: config.logMaxBackups,
        maxSizeMB: config.logMaxSizeMB,
        report: backendReport({ plugin: 'log', logger, metrics }),
      }),
    );
  }
  logger.info('auditing', {
    policy: config.policyFile,
    log: config.logPath,
    webhook: config.webhookConfigFile,
  });
  return { decide: auditPolicyEvaluator(policy), sink: createAuditSink(backends, metrics) };
}
