import { z } from 'zod';

/** An int64 field: JSON numbers are doubles, so the format says what the Go type is. */
export const int64 = () => z.int().meta({ format: 'int64' });
