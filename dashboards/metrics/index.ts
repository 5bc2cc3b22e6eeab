export * from './types';
export * from './ms-framework';
export * from './multiagents';
export * from './sutazai';
export * from './agentcore';
export * from './progressive';
export * from './stack';
