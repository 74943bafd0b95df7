import type { ModelVersion } from '@handoff/contracts';

const pct = (value: number | undefined) =>
  value === undefined ? '   –  ' : `${(value * 100).toFixed(1).padStart(5)}%`;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** The outcome of a pipeline in plain text: what happened, the numbers side by side, per-category recall changes. */
export function modelReport(model: ModelVersion, uiUrl?: string): { subject: string; text: string } {
  const outcome =
    model.pipeline === 'failed'
      ? `failed in ${model.failedStage}`
      : model.status === 'active'
        ? 'promoted'
        : model.status === 'rejected'
          ? 'rejected'
          : model.status;
  const subject = `Handoff model v${model.version} ${outcome}`;
  const lines = [`Model version ${model.version}: ${outcome}.`, `Why: ${model.reason ?? '–'}`, ''];
  const traffic = Object.values(model.trainingCounts).reduce((sum, count) => sum + count.traffic, 0);
  const shipped = Object.values(model.trainingCounts).reduce((sum, count) => sum + count.shipped, 0);
  lines.push(`Training data: ${traffic} labelled runs from your traffic, ${shipped} shipped examples.`);
  const metrics = model.metrics;
  if (metrics) {
    const base = metrics.baseline;
    lines.push(
      '',
      `                      v${base.version} (active)   v${model.version}`,
      `holdout (${metrics.holdout.examples} runs)`,
      `  accuracy            ${pct(base.holdout.accuracy)}       ${pct(metrics.holdout.accuracy)}`,
      `  macro-F1            ${pct(base.holdout.macroF1)}       ${pct(metrics.holdout.macroF1)}`,
      `shipped eval set (${metrics.eval.examples})`,
      `  accuracy            ${pct(base.eval.accuracy)}       ${pct(metrics.eval.accuracy)}`,
      `  macro-F1            ${pct(base.eval.macroF1)}       ${pct(metrics.eval.macroF1)}`,
      '',
      'Recall per category (eval set; holdout in brackets):',
    );
    for (const category of Object.keys(metrics.eval.recall).sort()) {
      const holdout =
        metrics.holdout.recall[category] === undefined
          ? ''
          : `  [${pct(base.holdout.recall[category])} → ${pct(metrics.holdout.recall[category])}]`;
      const counts = model.trainingCounts[category];
      lines.push(
        `  ${category.padEnd(18)} ${pct(base.eval.recall[category])} → ${pct(metrics.eval.recall[category])}${holdout}` +
          (counts ? `   (+${counts.traffic} from traffic)` : ''),
      );
    }
  }
  if (uiUrl) lines.push('', `Models page: ${uiUrl.replace(/\/$/, '')}/models`);
  return { subject, text: lines.join('\n') };
}
