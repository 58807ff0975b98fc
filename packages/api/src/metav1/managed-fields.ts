/** metav1.ManagedFieldsEntry: server-side apply's record of who owns which fields. */
import { z } from 'zod';
import { timeSchema } from './time';

export const managedFieldsEntrySchema = z
  .strictObject({
    manager: z.string().optional().describe('The workflow managing these fields.'),
    operation: z
      .enum(['Apply', 'Update'])
      .optional()
      .describe('The operation that led to this entry: Apply or Update.'),
    apiVersion: z.string().optional().describe('The version of this resource the field set applies to.'),
    time: timeSchema.optional().describe('When this entry was last changed.'),
    fieldsType: z.string().optional().describe('The format of fieldsV1; the only value is "FieldsV1".'),
    fieldsV1: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('The set of fields owned by this manager, in the FieldsV1 format.'),
    subresource: z.string().optional().describe('The subresource used to update the object, if any.'),
  })
  .describe('A record of the fields a manager owns, and the operation that changed them.');
