/**
 * Foo v1beta1 ⇄ v1 (the hub), lossless both ways by Kubernetes' pattern: the field v1beta1 lacks,
 * `spec.paused`, travels in the v1beta1 view as the annotation PAUSED_ANNOTATION, which the
 * conversion to v1 folds back into spec and removes.
 *
 * The annotation's value is `true` or `false` for the common case. A v1beta1 object may carry an
 * annotation of that name that is not such a value (someone wrote it by hand), and a v1 object may
 * carry one too (beside spec.paused or not); both must survive a round trip, so the value maps
 * one-to-one between the two views:
 *   v1 (spec.paused, annotation)          v1beta1 annotation
 *   (unset, unset)                      ⇄ unset
 *   (true | false, unset)               ⇄ "true" | "false"
 *   (unset, a), a plain                 ⇄ a                    (kept as it is)
 *   anything else                       ⇄ {"paused":…,"annotation":…}, exactly as JSON.stringify
 *                                         writes it (an "escape")
 * where "plain" means neither "true", "false", nor an escape. A v1beta1 value that merely looks
 * like an escape but is not one byte for byte is plain, so it too comes back as it was.
 *
 * Two normalisations remain, both ones Kubernetes' own types make (omitempty): an annotations map
 * left empty by the fold is removed, and a v1beta1 object without spec gets one when the fold
 * has a paused value to put there. Every stored Foo has a spec (it defaults to `{}`).
 */
import type { KindObject } from '../kinds/kind-definition';
import { FOO_GROUP } from './names';

export const PAUSED_ANNOTATION = `${FOO_GROUP}/v1-spec-paused`;

/** What v1 holds that the v1beta1 annotation stands for. */
interface V1State {
  paused?: boolean;
  annotation?: string;
}

const CANONICAL = new Map<string, boolean>([
  ['true', true],
  ['false', false],
]);

function escape(state: V1State): string {
  const out: V1State = {};
  if (state.paused !== undefined) out.paused = state.paused;
  if (state.annotation !== undefined) out.annotation = state.annotation;
  return JSON.stringify(out);
}

/** The state an escape stands for, or undefined when value is not exactly an escape. */
function unescape(value: string): V1State | undefined {
  if (!value.startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const { paused, annotation, ...rest } = parsed as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return undefined;
  if (paused !== undefined && typeof paused !== 'boolean') return undefined;
  if (annotation !== undefined && typeof annotation !== 'string') return undefined;
  const state: V1State = { paused, annotation };
  // An escape is only what encode writes for a state that needs one, byte for byte.
  return needsEscape(state) && escape(state) === value ? state : undefined;
}

function isPlain(annotation: string): boolean {
  return !CANONICAL.has(annotation) && unescape(annotation) === undefined;
}

function needsEscape(state: V1State): boolean {
  if (state.annotation === undefined) return false;
  return state.paused !== undefined || !isPlain(state.annotation);
}

/** The v1beta1 annotation value for a v1 state; undefined: no annotation. */
export function encodePaused(state: V1State): string | undefined {
  if (needsEscape(state)) return escape(state);
  if (state.annotation !== undefined) return state.annotation;
  return state.paused === undefined ? undefined : String(state.paused);
}

/** The v1 state a v1beta1 annotation value stands for. */
export function decodePaused(value: string | undefined): V1State {
  if (value === undefined) return {};
  const paused = CANONICAL.get(value);
  if (paused !== undefined) return { paused };
  return unescape(value) ?? { annotation: value };
}

type Annotated = { metadata: { annotations?: Record<string, string> } } & KindObject;
type WithSpec = { spec?: Record<string, unknown> } & KindObject;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** v1 → v1beta1: spec.paused moves into the annotation. obj is the converter's own copy. */
export function fooV1beta1FromV1(obj: KindObject): KindObject {
  const out = obj as Annotated & WithSpec;
  const spec = isRecord(out.spec) ? out.spec : undefined;
  // A non-boolean paused is not a v1 Foo; validation rejects it before anything is stored.
  const paused = typeof spec?.paused === 'boolean' ? spec.paused : undefined;
  if (spec) delete spec.paused;
  const metadata = isRecord(out.metadata) ? out.metadata : undefined;
  const annotations = isRecord(metadata?.annotations) ? metadata.annotations : undefined;
  const value = encodePaused({ paused, annotation: annotations?.[PAUSED_ANNOTATION] });
  if (value === undefined) return out;
  // An object without metadata is not a Foo either; it still keeps its paused value.
  out.metadata = { ...metadata, annotations: { ...annotations, [PAUSED_ANNOTATION]: value } };
  return out;
}

/** v1beta1 → v1: the annotation folds back into spec.paused. obj is the converter's own copy. */
export function fooV1FromV1beta1(obj: KindObject): KindObject {
  const out = obj as Annotated & WithSpec;
  const metadata = isRecord(out.metadata) ? out.metadata : undefined;
  const annotations = isRecord(metadata?.annotations) ? metadata.annotations : undefined;
  const value = annotations?.[PAUSED_ANNOTATION];
  if (metadata === undefined || annotations === undefined || typeof value !== 'string') return out;
  const state = decodePaused(value);
  if (state.annotation === undefined) {
    delete annotations[PAUSED_ANNOTATION];
    if (Object.keys(annotations).length === 0) delete metadata.annotations;
  } else {
    annotations[PAUSED_ANNOTATION] = state.annotation;
  }
  if (state.paused !== undefined)
    out.spec = { ...(isRecord(out.spec) ? out.spec : {}), paused: state.paused };
  return out;
}

/** The spoke of Foo's hub conversion: v1beta1 to and from v1. */
export const fooV1beta1Conversion = { toHub: fooV1FromV1beta1, fromHub: fooV1beta1FromV1 };
