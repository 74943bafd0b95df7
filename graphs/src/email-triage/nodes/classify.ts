import { ClassificationSchema, type Classification } from '@handoff/contracts';
import { type Taxonomy } from '../../schemas';
import type { TriagePorts } from '../../ports';
import { scanMessage } from '../../safety';
import { triageMessage, type TriageStep } from '../state';

function knownCategory(classification: Classification, taxonomy: Taxonomy): Classification {
  if (taxonomy.some((category) => category.key === classification.category)) return classification;
  const fallback = taxonomy.find((category) => category.key === 'other') ?? taxonomy[0];
  if (!fallback) throw new Error('the taxonomy has no categories');
  // The model answered outside the taxonomy, so its confidence says nothing about the fallback.
  return { ...classification, category: fallback.key, categoryConfidence: 0 };
}

export function classifyNode({ model, policy }: TriagePorts): TriageStep {
  return async (state, config) => {
    const message = triageMessage(state, config);
    // A versioned model answers with the version it used, so a hot swap mid-call cannot mislabel the run.
    const answer = model.classifyVersioned
      ? await model.classifyVersioned(message, policy.taxonomy)
      : { classification: await model.classify(message, policy.taxonomy), modelVersion: null };
    const raw = ClassificationSchema.parse(answer.classification);
    const classification = knownCategory(raw, policy.taxonomy);
    // Deterministic checks back up the model, which the email itself may have talked round.
    // They read every field the model is shown, not just subject and body.
    const report = scanMessage(message);
    return {
      classification: {
        ...classification,
        riskFlags: [...new Set([...classification.riskFlags, ...report.flags])],
      },
      safetyFindings: report.flags.length > 0 ? report.findings : [],
      modelVersion: answer.modelVersion,
    };
  };
}
