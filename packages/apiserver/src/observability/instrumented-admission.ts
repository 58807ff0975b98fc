/**
 * The admission chain, measured as kube measures its steps
 * (apiserver_admission_step_admission_duration_seconds{type,operation,rejected}, type `admit` or
 * `validate`) and, when tracing, each phase in an `admission.admit` / `admission.validate` span.
 */
import type { Tracer } from '@opentelemetry/api';
import { Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { AdmissionAttributes, AdmissionChain } from '../admission/attributes';
import { inSpan } from './tracing/tracer';

export type AdmissionStepObserver = (o: {
  type: 'admit' | 'validate';
  operation: string;
  rejected: boolean;
  seconds: number;
}) => void;

/** kube's step histogram, in the server's registry. */
export function admissionStepMetrics(registry: Registry): AdmissionStepObserver {
  const steps = new Histogram({
    name: 'apiserver_admission_step_admission_duration_seconds',
    help: 'Admission sub-step latency histogram in seconds, broken out for each operation and API resource and step type (validate or admit).',
    labelNames: ['type', 'operation', 'rejected'],
    buckets: [0.005, 0.025, 0.1, 0.5, 1.0, 2.5],
    registers: [registry],
  });
  return (o) =>
    steps.observe({ type: o.type, operation: o.operation, rejected: String(o.rejected) }, o.seconds);
}

export function instrumentAdmission(
  chain: AdmissionChain,
  observe: { steps: AdmissionStepObserver; tracer?: Tracer },
): AdmissionChain {
  const step = async (type: 'admit' | 'validate', attributes: AdmissionAttributes): Promise<void> => {
    const started = process.hrtime.bigint();
    let rejected = false;
    try {
      await inSpan(observe.tracer, `admission.${type}`, () => chain[type](attributes), {
        attributes: { operation: attributes.operation },
      });
    } catch (err) {
      rejected = true;
      throw err;
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      observe.steps({ type, operation: attributes.operation, rejected, seconds });
    }
  };
  return {
    admit: (attributes) => step('admit', attributes),
    validate: (attributes) => step('validate', attributes),
  };
}
