export * from './types';
export * from './ms-framework';
export * from './multiagents';
export * from './sutazai';
export * from './agentcore';
export * from './progressive-v5';
export * from './stack';
export * from './check';
