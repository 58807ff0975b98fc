/**
 * The audit and tracing flags, under kube-apiserver's names (k8s.io/apiserver/pkg/server/options
 * audit.go, tracing.go). Only the JSON log format exists: --audit-log-format=legacy is refused
 * rather than ignored.
 */
import path from 'node:path';
import { z } from 'zod';
import { intFlag, oneOfFlag } from '@pwk/process';
import type { FlagSpecs } from '@pwk/process';

export const OBSERVABILITY_FLAGS: FlagSpecs = {
  'audit-policy-file': {
    description: 'Path to the file that defines the audit policy configuration (audit.k8s.io/v1 Policy).',
  },
  'audit-log-path': {
    description:
      "If set, all requests coming to the apiserver will be logged to this file. '-' means standard out.",
  },
  'audit-log-format': {
    description: 'Format of saved audits: "json" (one audit.k8s.io/v1 Event per line).',
    default: 'json',
  },
  'audit-log-maxage': {
    description:
      'The maximum number of days to retain old audit log files based on the timestamp encoded in their filename (0: no limit).',
    default: '0',
  },
  'audit-log-maxbackup': {
    description: 'The maximum number of old audit log files to retain (0: no limit).',
    default: '0',
  },
  'audit-log-maxsize': {
    description: 'The maximum size in megabytes of the audit log file before it gets rotated (0: never).',
    default: '0',
  },
  'audit-webhook-config-file': {
    description:
      "Path to a kubeconfig formatted file that defines the audit webhook configuration; events are sent in batches (kube's defaults: 400 events, 30 s, 10 batches/s).",
  },
  'tracing-config-file': {
    description:
      'File with apiserver tracing configuration (apiserver.config.k8s.io/v1 TracingConfiguration).',
  },
};

export const observabilityFlagShape = {
  'audit-policy-file': z.string().optional(),
  'audit-log-path': z.string().optional(),
  'audit-log-format': oneOfFlag('audit-log-format', ['json']),
  'audit-log-maxage': intFlag('audit-log-maxage', 0, 1_000_000),
  'audit-log-maxbackup': intFlag('audit-log-maxbackup', 0, 1_000_000),
  'audit-log-maxsize': intFlag('audit-log-maxsize', 0, 1_000_000),
  'audit-webhook-config-file': z.string().optional(),
  'tracing-config-file': z.string().optional(),
};

type ObservabilityFlagValues = z.infer<z.ZodObject<typeof observabilityFlagShape>>;

export interface AuditConfig {
  policyFile?: string;
  /** A file path (absolute), or `-` for stdout. */
  logPath?: string;
  logMaxAgeDays: number;
  logMaxBackups: number;
  logMaxSizeMB: number;
  webhookConfigFile?: string;
}

export interface ObservabilityConfig {
  audit: AuditConfig;
  tracingConfigFile?: string;
}

const absolute = (file: string | undefined) => (file ? path.resolve(file) : undefined);

export function observabilityConfig(c: ObservabilityFlagValues): ObservabilityConfig {
  const logPath = c['audit-log-path'];
  return {
    audit: {
      policyFile: absolute(c['audit-policy-file']),
      logPath: logPath === '-' ? '-' : absolute(logPath),
      logMaxAgeDays: c['audit-log-maxage'],
      logMaxBackups: c['audit-log-maxbackup'],
      logMaxSizeMB: c['audit-log-maxsize'],
      webhookConfigFile: absolute(c['audit-webhook-config-file']),
    },
    tracingConfigFile: absolute(c['tracing-config-file']),
  };
}
