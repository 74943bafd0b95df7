import type { z } from 'zod';
import { InvalidInputError } from './domain-errors';

/** Validates input against a contract; a mismatch is the caller's mistake, so 400 with each problem named. */
export function parseOrBadRequest<T extends z.ZodType>(schema: T, value: unknown, what = 'request body'): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InvalidInputError(`invalid ${what}`, {
    error: 'Bad Request',
    issues: result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  });
}
