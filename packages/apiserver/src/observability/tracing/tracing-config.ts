/**
 * --tracing-config-file: kube's TracingConfiguration (apiserver.config.k8s.io/v1, also the
 * v1beta1 and v1alpha1 it still reads): `endpoint` of the OpenTelemetry collector and
 * `samplingRatePerMillion`. One difference from kube, which exports over OTLP/gRPC to
 * `localhost:4317` by default: pwk exports over OTLP/HTTP, so a bare `host:port` endpoint means
 * `http://host:port/v1/traces` and the default is `localhost:4318`; an endpoint with a scheme is
 * used as it is (its path, or /v1/traces when it has none).
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const schema = z.strictObject({
  apiVersion: z.enum(
    ['apiserver.config.k8s.io/v1', 'apiserver.config.k8s.io/v1beta1', 'apiserver.config.k8s.io/v1alpha1'],
    {
      message: 'apiVersion must be "apiserver.config.k8s.io/v1"',
    },
  ),
  kind: z.literal('TracingConfiguration', { message: 'kind must be "TracingConfiguration"' }),
  endpoint: z.string().min(1).optional(),
  samplingRatePerMillion: z
    .number()
    .int()
    .min(0, { message: 'samplingRatePerMillion must be between 0 and 1000000' })
    .max(1_000_000, { message: 'samplingRatePerMillion must be between 0 and 1000000' })
    .optional(),
});

export interface TracingConfig {
  /** The OTLP/HTTP traces URL. */
  url: string;
  /** New traces sampled per million requests; a sampled `traceparent` is always followed. */
  samplingRatePerMillion: number;
}

export const DEFAULT_ENDPOINT = 'localhost:4318';

export function tracesUrl(endpoint: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`;
  const url = new URL(withScheme);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/traces';
  return url.toString();
}

export async function loadTracingConfig(file: string): Promise<TracingConfig> {
  let doc: unknown;
  try {
    doc = parseYaml(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`--tracing-config-file ${file}: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw new Error(`--tracing-config-file ${file}: ${where}${issue.message}`);
  }
  let url: string;
  try {
    url = tracesUrl(parsed.data.endpoint ?? DEFAULT_ENDPOINT);
  } catch {
    throw new Error(
      `--tracing-config-file ${file}: endpoint "${parsed.data.endpoint}" is not host:port or a URL`,
    );
  }
  return { url, samplingRatePerMillion: parsed.data.samplingRatePerMillion ?? 0 };
}
