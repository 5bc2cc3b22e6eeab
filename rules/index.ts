export * from './types';
export * from './ms-framework';
