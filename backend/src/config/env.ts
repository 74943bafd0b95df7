import { z } from 'zod';

/** Building blocks for the module config slices: every setting is an environment string. */
export const csv = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

export const json = <T extends z.ZodType>(schema: T) =>
  z.string().transform((value, ctx) => {
    try {
      return schema.parse(JSON.parse(value)) as z.output<T>;
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `must be JSON matching the documented shape (${(error as Error).message.split('\n')[0]})`,
      });
      return z.NEVER;
    }
  });

export const url = (protocols: string[]) =>
  z.url().refine((value) => protocols.some((protocol) => value.startsWith(`${protocol}:`)), {
    message: `must be a ${protocols.join(' or ')} URL`,
  });

/** Reports a problem with one setting; slices' cross-field checks use it. */
export type Report = (setting: PropertyKey[], message: string) => void;
