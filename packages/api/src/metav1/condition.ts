/** metav1.Condition, and a list of them as Kubernetes' Condition convention has it. */
import { z } from 'zod';
import { fieldError } from './field-error';
import { int64 } from './int64';
import { isQualifiedName } from './names';
import { timeSchema } from './time';

export const CONDITION_STATUSES = ['True', 'False', 'Unknown'] as const;

const conditionReason =
  "a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName',  or 'ReasonA,ReasonB',  or 'ReasonA:ReasonB', regex used for validation is '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?')";

export const conditionSchema = z
  .strictObject({
    type: z
      .string()
      .min(1)
      .max(316)
      .superRefine((type, ctx) => {
        for (const detail of isQualifiedName(type)) {
          ctx.addIssue({
            code: 'custom',
            message: detail,
            params: { fieldError: fieldError.invalid('', type, detail) },
          });
        }
      })
      .describe('Type of the condition, in CamelCase or foo.example.com/CamelCase, e.g. Ready.'),
    status: z.enum(CONDITION_STATUSES).describe('Status of the condition: True, False or Unknown.'),
    observedGeneration: int64()
      .min(0)
      .optional()
      .describe('The metadata.generation the condition was set for.'),
    lastTransitionTime: timeSchema.describe('When the condition last changed from one status to another.'),
    reason: z
      .string()
      .min(1)
      .max(1024)
      .regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/, { message: conditionReason })
      .describe("A programmatic identifier of the condition's last transition, in CamelCase."),
    message: z.string().max(32768).describe('A human readable message about the transition; may be empty.'),
  })
  .describe('One aspect of the current state of the object (metav1.Condition).');

/**
 * A list of conditions as Kubernetes' Condition convention has it (`+listType=map`,
 * `+listMapKey=type`): one condition per type (validation enforces it from the list type), merged
 * by type by strategic merge and server-side apply alike.
 */
export const conditionsSchema = z
  .array(conditionSchema)
  .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] });

export type Condition = z.infer<typeof conditionSchema>;
