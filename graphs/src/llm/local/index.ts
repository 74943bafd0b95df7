export { LocalTriageModel, type LocalTriageModelOptions } from './model';
export { LINEAR_MODEL_FILE } from './linear';
export { BASELINE_MODEL_FILE, loadNaiveBayesModel, NaiveBayesClassifier } from './naive-bayes';
export { REVIEWER_NOTE_MARKER } from './feedback';
export { LinearClassifier, loadLinearModel, type LinearModel } from './linear';
export type { LabelledExample, TextClassifier } from './classifier';
export {
  dedupeKey,
  deserializeModel,
  exampleText,
  gateDecision,
  scoreClassifier,
  serializeModel,
  shippedEvalExamples,
  shippedTrainingExamples,
  trainCandidate,
  trainCandidateInThread,
  type ClassifierScore,
  type GateDecision,
  type GateScores,
  type GateSettings,
  type RecallChange,
  type VersionedClassifier,
} from './retrain';
