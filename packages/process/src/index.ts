export * from './command-line';
export * from './duration';
