export * from './config';
export * from './stack';
export * from './synth';
export * from './lib/names';
export * from './lib/metric-labels';
