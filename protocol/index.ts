export * from './version';
export * from './errors';
export * from './chat';
export * from './daemon';
export * from './jobs';
export * from './usage';
