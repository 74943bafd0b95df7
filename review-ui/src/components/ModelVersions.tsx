'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { ModelList, ModelScore, ModelVersion } from '@handoff/contracts';
import { formatDate, writes } from '../lib/browser';
import { ActionMessage, type ActionOutcome } from './ActionMessage';

const pct = (value: number | undefined) => (value === undefined ? '—' : `${(value * 100).toFixed(1)}%`);

function outcome(model: ModelVersion): string {
  if (model.pipeline === 'running') return 'in the pipeline';
  if (model.pipeline === 'failed') return `failed in ${model.failedStage}`;
  return model.status;
}

function Scores({ label, baseline, candidate }: { label: string; baseline: ModelScore; candidate: ModelScore }) {
  return (
    <>
      <tr>
        <th scope="row">{label} accuracy</th>
        <td>{pct(baseline.accuracy)}</td>
        <td>{pct(candidate.accuracy)}</td>
      </tr>
      <tr>
        <th scope="row">{label} macro-F1</th>
        <td>{pct(baseline.macroF1)}</td>
        <td>{pct(candidate.macroF1)}</td>
      </tr>
    </>
  );
}

/** One version's numbers next to the model that was active when it was judged. */
function Comparison({ model }: { model: ModelVersion }) {
  const metrics = model.metrics;
  if (!metrics) return null;
  const base = metrics.baseline;
  const categories = Object.keys(metrics.eval.recall).sort();
  return (
    <table>
      <caption>
        Version {model.version} against version {base.version} (holdout: {metrics.holdout.examples} recent runs; eval
        set: {metrics.eval.examples} shipped examples)
      </caption>
      <thead>
        <tr>
          <th scope="col">Measure</th>
          <th scope="col">v{base.version}</th>
          <th scope="col">v{model.version}</th>
        </tr>
      </thead>
      <tbody>
        <Scores label="Holdout" baseline={base.holdout} candidate={metrics.holdout} />
        <Scores label="Eval set" baseline={base.eval} candidate={metrics.eval} />
        {categories.map((category) => (
          <tr key={category}>
            <th scope="row">Recall: {category}</th>
            <td>{pct(base.eval.recall[category])}</td>
            <td>{pct(metrics.eval.recall[category])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ModelVersions({ models, admin }: { models: ModelList; admin: boolean }) {
  const router = useRouter();
  const [message, setMessage] = useState<ActionOutcome | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(action: () => Promise<{ ok: boolean; message: string }>, done: string) {
    setBusy(true);
    const result = await action();
    setBusy(false);
    setMessage(result.ok ? { ok: true, text: done } : { ok: false, text: result.message });
    router.refresh();
  }

  return (
    <>
      <ActionMessage message={message} />
      {admin ? (
        <p>
          <button
            type="button"
            disabled={busy || models.items.some((model) => model.pipeline === 'running')}
            onClick={() => void run(() => writes.retrainModel(), 'Retraining started.')}
          >
            Retrain now
          </button>
        </p>
      ) : null}
      <table>
        <caption>Versions, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col">Trigger</th>
            <th scope="col">Trained on</th>
            <th scope="col">Holdout macro-F1</th>
            <th scope="col">Eval macro-F1</th>
            <th scope="col">Why</th>
            <th scope="col">Created</th>
            {admin ? <th scope="col">Activate</th> : null}
          </tr>
        </thead>
        <tbody>
          {models.items.map((model) => {
            const counts = Object.values(model.trainingCounts);
            const traffic = counts.reduce((sum, count) => sum + count.traffic, 0);
            const shipped = counts.reduce((sum, count) => sum + count.shipped, 0);
            const activatable =
              model.status !== 'active' && model.pipeline !== 'running' && model.pipeline !== 'failed';
            return (
              <tr key={model.version}>
                <th scope="row">v{model.version}</th>
                <td>{outcome(model)}</td>
                <td>
                  {model.trigger}
                  {model.control ? ` (control: ${model.control})` : ''}
                </td>
                <td>
                  {traffic} labelled runs + {shipped} shipped
                </td>
                <td>{pct(model.metrics?.holdout.macroF1)}</td>
                <td>{pct(model.metrics?.eval.macroF1)}</td>
                <td>{model.reason ?? '—'}</td>
                <td>{formatDate(model.createdAt)}</td>
                {admin ? (
                  <td>
                    {activatable ? (
                      <button
                        type="button"
                        disabled={busy}
                        onClick={() =>
                          void run(() => writes.activateModel(model.version), `Version ${model.version} is active.`)
                        }
                      >
                        Activate v{model.version}
                      </button>
                    ) : (
                      '—'
                    )}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
      {models.items
        .filter((model) => model.metrics)
        .map((model) => (
          <section key={model.version} aria-label={`Version ${model.version} metrics`}>
            <h2>Version {model.version}</h2>
            <Comparison model={model} />
          </section>
        ))}
    </>
  );
}
