export * from './types';
export * from './panels';
export * from './promql';
export * from './check';
export * from './metrics';
export * from './ms-system-overview';
export * from './all';
