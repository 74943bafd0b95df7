import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Queue } from 'bullmq';
import { parse } from 'yaml';
import { MetricsService } from './metrics.service';

const OPS = join(__dirname, '../../../../ops');
/** Series Prometheus itself provides. */
const BUILT_IN = new Set(['up']);

/** Every series name the service can expose, with the suffixes histograms add. */
function exportedNames(): Set<string> {
  const queue = (name: string) => ({ name }) as Queue;
  const metrics = new MetricsService(queue('workflow'), queue('delivery'), queue('slack'));
  return new Set(
    metrics.registry
      .getMetricsAsArray()
      .flatMap(({ name, type }) =>
        String(type) === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name],
      ),
  );
}

/** Metric names in a PromQL expression: identifiers not followed by `(` and not label names or keywords. */
function metricNames(expr: string): string[] {
  const withoutStrings = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\[[^\]]*\]/g, '[]');
  const withoutGrouping = withoutStrings.replace(/\b(by|without)\s*\([^)]*\)/g, '');
  return [...withoutGrouping.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)]
    .map((match) => match[1]!)
    .filter((name) => !/^(and|or|unless|bool|on|ignoring|group_left|group_right|offset|le)$/.test(name))
    .filter((name) => name.includes('_') || BUILT_IN.has(name));
}

describe('dashboards and alerts reference only metrics the service exports', () => {
  const exported = exportedNames();
  const assertKnown = (where: string, expr: string) => {
    const names = metricNames(expr);
    assert.ok(names.length > 0, `${where}: no metric in ${expr}`);
    for (const name of names) assert.ok(exported.has(name) || BUILT_IN.has(name), `${where}: ${name} is not exported`);
  };

  test('the Grafana dashboard is valid JSON whose every panel queries exported metrics', () => {
    const dashboard = JSON.parse(readFileSync(join(OPS, 'grafana/handoff-dashboard.json'), 'utf8'));
    assert.equal(dashboard.uid, 'handoff-overview');
    assert.ok(dashboard.panels.length >= 10);
    for (const panel of dashboard.panels) {
      assert.ok(panel.targets.length > 0, panel.title);
      for (const target of panel.targets) assertKnown(panel.title, target.expr);
    }
  });

  test('the alert rules parse and use only exported metrics', () => {
    const rules = parse(readFileSync(join(OPS, 'prometheus/alerts.yml'), 'utf8'));
    const alerts = rules.groups.flatMap((group: { rules: { alert: string; expr: string }[] }) => group.rules);
    assert.deepEqual(alerts.map((rule: { alert: string }) => rule.alert).sort(), [
      'HandoffAutosendPrecisionBelowTarget',
      'HandoffDeadLettersGrowing',
      'HandoffDeliveriesUncertain',
      'HandoffDown',
      'HandoffLlmBreakerOpen',
      'HandoffLlmErrors',
      'HandoffModelPipelineFailed',
      'HandoffQueueBackingUp',
      'HandoffRepliesNotDelivered',
      'HandoffReviewsPastDue',
      'HandoffRunFailureRate',
    ]);
    for (const rule of alerts) assertKnown(rule.alert, rule.expr);
  });

  test('the Prometheus config loads the alert rules and scrapes API and worker', () => {
    const config = parse(readFileSync(join(OPS, 'prometheus/prometheus.yml'), 'utf8'));
    assert.deepEqual(config.rule_files, ['/etc/prometheus/alerts.yml']);
    assert.deepEqual(
      config.scrape_configs.map((job: { job_name: string }) => job.job_name),
      ['handoff-api', 'handoff-worker'],
    );
  });

  test('labels never carry ids', () => {
    const metrics = new MetricsService(
      { name: 'workflow' } as Queue,
      { name: 'delivery' } as Queue,
      { name: 'slack' } as Queue,
    );
    for (const metric of metrics.registry.getMetricsAsArray()) {
      const labels = (metric as unknown as { labelNames?: string[] }).labelNames ?? [];
      for (const label of labels) assert.doesNotMatch(label, /id$/i, `${metric.name} has label ${label}`);
    }
  });
});
