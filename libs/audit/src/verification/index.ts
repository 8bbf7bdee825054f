export * from './checkpoint';
export * from './log-verifier';
