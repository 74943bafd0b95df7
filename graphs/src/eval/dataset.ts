import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Taxonomy } from '../schemas';

/** One line of an evaluation file. */
export const EvalCaseSchema = z.object({
  subject: z.string().optional(),
  text: z.string().min(1),
  category: z.string().min(1),
  /** A reply a good agent would send; when present the report scores the draft's overlap with it. */
  expectedReply: z.string().optional(),
});
export type EvalCase = z.infer<typeof EvalCaseSchema>;

/** Parses JSONL, naming the line of the first bad case and any category the taxonomy lacks. */
export function parseEvalCases(jsonl: string, taxonomy: Taxonomy, source = 'input'): EvalCase[] {
  const keys = new Set(taxonomy.map((category) => category.key));
  const cases: EvalCase[] = [];
  jsonl.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${source}:${index + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new Error(`${where}: not valid JSON`);
    }
    const parsed = EvalCaseSchema.safeParse(json);
    if (!parsed.success) throw new Error(`${where}: ${z.prettifyError(parsed.error)}`);
    if (!keys.has(parsed.data.category)) {
      throw new Error(`${where}: category "${parsed.data.category}" is not in the taxonomy (${[...keys].join(', ')})`);
    }
    cases.push(parsed.data);
  });
  if (cases.length === 0) throw new Error(`${source}: no cases`);
  return cases;
}

export function readEvalCases(file: string, taxonomy: Taxonomy): EvalCase[] {
  return parseEvalCases(readFileSync(file, 'utf8'), taxonomy, file);
}
