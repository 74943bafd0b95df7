// Trains a candidate in a worker thread: training is seconds of CPU, which on the main thread would stall every
// other job of the process (BullMQ could not renew their locks). Started by trainCandidateInThread.
import { parentPort, workerData } from 'node:worker_threads';
import type { LabelledExample } from './classifier';
import { serializeLinearModel } from './linear';
import { shippedTrainingExamples, trainCandidate, type RetrainOptions } from './retrain';

const { traffic, options } = workerData as { traffic: LabelledExample[]; options: RetrainOptions };
const model = trainCandidate({ shipped: shippedTrainingExamples(), traffic }, options);
parentPort?.postMessage({ model: serializeLinearModel(model), features: model.buckets.length });
