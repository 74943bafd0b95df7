import { z } from 'zod';
import { MAX_REDRAFTS, TaxonomySchema, type Taxonomy } from './schemas';
import type { TriagePolicy } from './ports';

export const DEFAULT_TAXONOMY: Taxonomy = [
  { key: 'order_status', description: 'Where an order is, whether it shipped, when it will arrive.' },
  { key: 'returns_refunds', description: 'Returning an item, exchanges, refund status.' },
  { key: 'billing', description: 'Charges, invoices, payment methods, subscriptions and pricing.' },
  { key: 'shipping', description: 'Delivery options, costs, addresses and carriers before or after ordering.' },
  { key: 'account_access', description: 'Logging in, password resets, two-factor codes, locked or closed accounts.' },
  { key: 'technical_support', description: 'The product or app not working: errors, bugs, setup, integrations.' },
  { key: 'product_question', description: 'Features, sizes, compatibility and availability before buying.' },
  { key: 'feedback', description: 'Praise, suggestions and feature requests that need no fix.' },
  { key: 'complaint', description: 'Dissatisfaction with service or quality that asks for redress.' },
  { key: 'legal', description: 'Lawyers, legal threats, GDPR/data-subject requests, contracts, subpoenas.' },
  { key: 'security', description: 'Hacked accounts, fraud, phishing, vulnerability reports, data breaches.' },
  { key: 'other', description: 'Anything that fits no other category.' },
];

export const DEFAULT_AUTO_SEND_THRESHOLD = 0.8;
export const DEFAULT_ALWAYS_REVIEW = ['legal', 'security', 'complaint'] as const;

const threshold = z.number().min(0).max(1);

export interface TriagePolicyConfig {
  taxonomy?: Taxonomy;
  /** Per-category auto-send thresholds; the key "default" applies to categories without one. */
  thresholds?: Record<string, number> & { default?: number };
  defaultThreshold?: number;
  /** Categories that always go to a human. Defaults to legal, security and complaint where present. */
  alwaysReview?: readonly string[];
  maxRedrafts?: number;
}

/** Builds the business rules from config, failing fast on keys the taxonomy does not know. */
export function createTriagePolicy(config: TriagePolicyConfig = {}): TriagePolicy {
  const taxonomy = TaxonomySchema.parse(config.taxonomy ?? DEFAULT_TAXONOMY);
  const keys = new Set(taxonomy.map((category) => category.key));
  const knownKey = z.string().refine((key) => keys.has(key), { message: 'not a taxonomy category' });

  const { thresholds, defaultThreshold, alwaysReview, maxRedrafts } = z
    .object({
      thresholds: z.record(z.union([z.literal('default'), knownKey]), threshold).default({}),
      defaultThreshold: threshold.default(DEFAULT_AUTO_SEND_THRESHOLD),
      alwaysReview: z.array(knownKey).default(DEFAULT_ALWAYS_REVIEW.filter((key) => keys.has(key))),
      maxRedrafts: z.number().int().min(0).max(MAX_REDRAFTS).default(MAX_REDRAFTS),
    })
    .parse({ ...config, alwaysReview: config.alwaysReview && [...config.alwaysReview] });
  const reviewed = new Set(alwaysReview);
  // A Map, so a category named like an Object.prototype member cannot resolve to it.
  const perCategory = new Map(Object.entries(thresholds));
  const fallback = perCategory.get('default') ?? defaultThreshold;

  return {
    taxonomy,
    maxRedrafts,
    autoSendThreshold: (category) => perCategory.get(category) ?? fallback,
    // A category outside the taxonomy is a surprise, so a human looks at it.
    alwaysReview: (category) => reviewed.has(category) || !keys.has(category),
  };
}
