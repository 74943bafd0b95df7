export * from './message';
export * from './classification';
export * from './review';
export * from './outcome';
export * from './review-api';
