import { readFileSync } from 'node:fs';
import { z } from 'zod';

export interface LabelledExample {
  text: string;
  label: string;
}

export interface Prediction {
  label: string;
  probability: number;
}

/** A text classifier the local model can use: a probability per label, most likely first. */
export interface TextClassifier {
  predict(text: string): Prediction[];
}

const ExampleLineSchema = z.object({ text: z.string().min(1), label: z.string().min(1) });

/** Reads a JSONL file of {"text", "label"} lines; a bad line fails with its file and line number. */
export function readLabelledExamples(file: string, labels: readonly string[]): LabelledExample[] {
  const known = new Set(labels);
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line, index) => ({ line, number: index + 1 }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, number }) => {
      const parsed = ExampleLineSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file}:${number}: ${parsed.error.message}`);
      if (!known.has(parsed.data.label)) throw new Error(`${file}:${number}: unknown label "${parsed.data.label}"`);
      return parsed.data;
    });
}
