/** metav1.OwnerReference. */
import { z } from 'zod';

export const ownerReferenceSchema = z
  .strictObject({
    apiVersion: z.string().min(1).describe('API version of the referent.'),
    kind: z.string().min(1).describe('Kind of the referent.'),
    name: z.string().min(1).describe('Name of the referent.'),
    uid: z.string().min(1).describe('UID of the referent.'),
    controller: z.boolean().optional().describe('If true, this reference points to the managing controller.'),
    blockOwnerDeletion: z
      .boolean()
      .optional()
      .describe('If true, the owner cannot be deleted from storage until this reference is removed.'),
  })
  // +structType=atomic in apimachinery: a reference is replaced whole, never merged field by field.
  .meta({ 'x-kubernetes-map-type': 'atomic' })
  .describe(
    'Identifies an owning object; the garbage collector deletes this object once every owner is gone.',
  );
