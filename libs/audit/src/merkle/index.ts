/** An RFC 9162 Merkle tree and its proof verifiers, as pure functions and one in-memory class. */
export { EMPTY_ROOT, HASH_SIZE, MerkleTree, leafHash, nodeHash, verifyConsistency, verifyInclusion } from './merkle';
