export * from '../src/config';
export * from './stack';
export * from './synth';
export * from '../src/lib/names';
export * from '../src/lib/metric-labels';
