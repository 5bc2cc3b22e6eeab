export * from './config';
export * from './stack';
export * from './synth';
