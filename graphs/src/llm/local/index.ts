export { LocalTriageModel, type LocalTriageModelOptions } from './model';
export { LINEAR_MODEL_FILE } from './linear';
export { BASELINE_MODEL_FILE, loadNaiveBayesModel, NaiveBayesClassifier } from './naive-bayes';
export { REVIEWER_NOTE_MARKER } from './feedback';
