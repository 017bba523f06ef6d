export * from './errors';
export * from './auth';
export * from './sync';
export * from './apps';
