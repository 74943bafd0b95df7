// Every HTTP shape the review UI, clients and tests read or send. Zod only: no LangGraph, no Nest.
export * from './message';
export * from './classification';
export * from './review';
export * from './review-api';
export * from './runs';
export * from './dead-letters';
export * from './deliveries';
export * from './errors';
export * from './workflow-drawing';
export * from './knowledge';
export * from './calibration';
export * from './models';
