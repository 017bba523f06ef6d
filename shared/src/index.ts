export * from './errors';
export * from './auth';
export * from './sync';
export * from './keys';
export * from './app-settings';
export * from './payments';
