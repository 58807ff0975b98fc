import { z } from 'zod';

/** metav1.Time: RFC 3339 in UTC, second precision on the wire. */
export const timeSchema = z.iso
  .datetime({ offset: true })
  .describe('An RFC 3339 date-time, e.g. 2026-01-02T15:04:05Z.');
