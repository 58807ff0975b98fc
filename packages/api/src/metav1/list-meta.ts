/** metav1.ListMeta. */
import { z } from 'zod';
import { int64 } from './int64';

export const listMetaSchema = z
  .strictObject({
    resourceVersion: z.string().optional().describe('The revision the list is consistent at.'),
    continue: z.string().optional().describe('Token to fetch the next page, when the list was limited.'),
    remainingItemCount: int64().optional().describe('How many items remain after this page (approximate).'),
  })
  .describe('Standard list metadata.');
