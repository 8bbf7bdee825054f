/** The hash chain as pure functions: the command path seals with them, the verifier checks with them. */
export { canonicalJson } from './canonical-json';
export { CHAIN_VERSION, ChainSealer, EMPTY_CHAIN_HEAD, chainContent, chainHeadOf, chainOf, hashEvent, sealBatch, sha256Hex } from './event-chain';
export type { ChainHead, ChainedContent, EventChain } from './event-chain';
