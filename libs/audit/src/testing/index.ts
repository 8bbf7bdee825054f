export { MemoryLog } from './memory-log';
export { generateHistory } from './generated-history';
export type { GenerateOptions, GeneratedHistory } from './generated-history';
