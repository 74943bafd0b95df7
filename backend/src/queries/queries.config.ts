import { z } from 'zod';

/** Read models: what an LLM token costs, for the overview's and the digest's cost figure (USD per million). */
export const QueriesConfig = {
  LLM_PRICE_INPUT_PER_MTOK: z.coerce.number().min(0).optional(),
  LLM_PRICE_OUTPUT_PER_MTOK: z.coerce.number().min(0).optional(),
};
