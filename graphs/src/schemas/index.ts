// The graph's own shapes: its input, resume value and outcome. HTTP shapes live in @handoff/contracts.
export * from './message';
export * from './classification';
export * from './review';
export * from './outcome';
