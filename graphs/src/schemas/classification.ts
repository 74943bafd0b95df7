import { z } from 'zod';

export const TaxonomyCategorySchema = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]*$/),
  description: z.string(),
});
export type TaxonomyCategory = z.infer<typeof TaxonomyCategorySchema>;
export const TaxonomySchema = z.array(TaxonomyCategorySchema).min(1);
export type Taxonomy = z.infer<typeof TaxonomySchema>;

/** Confidence that the draft can go out as it is, with reasons a human can read. */
export const ConfidenceSchema = z.object({
  confidence: z.number().min(0).max(1),
  reasons: z.array(z.string()),
  /** Statements in the draft that its cited sources do not back (numbers, times, amounts, promises). */
  unsupportedClaims: z.array(z.string()).optional(),
});
export type Confidence = z.infer<typeof ConfidenceSchema>;
