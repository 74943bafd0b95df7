import type { Classification } from '@handoff/contracts';
import type { TriageState } from '../state';

/** Steps after classify rely on its result; reaching them without it is a wiring bug. */
export function requireClassification(state: TriageState): Classification {
  if (!state.classification) throw new Error(`run ${state.runId}: no classification in state`);
  return state.classification;
}
