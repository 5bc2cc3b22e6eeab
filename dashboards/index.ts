export * from './types';
export * from './panels';
export * from './ms-system-overview';
export * from './all';
