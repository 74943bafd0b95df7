export { LocalTriageModel, type LocalTriageModelOptions } from './model';
export { LOCAL_MODEL_FILE } from './naive-bayes';
export { REVIEWER_NOTE_MARKER } from './feedback';
