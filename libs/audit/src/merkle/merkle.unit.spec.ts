import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { EMPTY_ROOT, HASH_SIZE, MerkleTree, leafHash, nodeHash, verifyConsistency, verifyInclusion } from './merkle';

const h = (hex: string): Buffer => Buffer.from(hex, 'hex');
const hexes = (hashes: readonly Uint8Array[]): string[] => hashes.map((x) => Buffer.from(x).toString('hex'));

/** A copy of `hash` with one bit flipped. */
const flip = (hash: Uint8Array, bit: number): Buffer => {
  const copy = Buffer.from(hash);
  copy[Math.floor(bit / 8) % copy.length] ^= 1 << bit % 8;
  return copy;
};

// ---------------------------------------------------------------------------------------------
// Published test vectors. All of them describe the same 8-leaf tree used by Certificate
// Transparency's reference implementations; nothing here was computed by this module.
//
// - Leaf inputs: transparency-dev/merkle testonly/constants.go, LeafInputs() (the same list is
//   `leaves` in google/trillian merkle/log_verifier_test.go and transparency-dev/merkle
//   proof/verify_test.go).
// - Every complete subtree hash, by level and index: transparency-dev/merkle testonly/constants.go,
//   NodeHashes().
// - Roots of the trees of sizes 0..8: transparency-dev/merkle testonly/constants.go, RootHashes()
//   (sizes 1..8 are also `roots` in google/trillian merkle/log_verifier_test.go).
// - Inclusion and consistency proofs as hashes: transparency-dev/merkle proof/verify_test.go,
//   `inclusionProofs` and `consistencyProofs` (there the leaf is numbered from 1; the same vectors,
//   less the 6 → 7 consistency proof, are in google/trillian merkle/log_verifier_test.go).
// - Inclusion and consistency proofs as node positions: transparency-dev/merkle proof/proof_test.go,
//   TestInclusion and TestConsistency, whose node IDs are turned into hashes with NodeHashes() above.
//   Where that test marks nodes as rehashed ("l=hash(i,j)", the root of the partial subtree
//   D[4:7]), the one hash the proof carries is nodeHash(i, j), computed here from the published i
//   and j with the nodeHash under test (itself pinned by the hasher vectors below).
// - Hasher vectors (empty root, empty leaf, leaf "L123456", node of "N123" and "N456"):
//   transparency-dev/merkle rfc6962/rfc6962_test.go, TestRFC6962Hasher.
// golang/mod sumdb/tlog/tlog_test.go has no fixed vectors (it builds trees of "leaf %d" and checks
// its own proofs, flipping a bit of each proof hash); its corruption check is among the properties below.
// ---------------------------------------------------------------------------------------------

const LEAF_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(h);

// NodeHashes(), with the letters of the pictures in proof/proof_test.go.
const a = h('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
const b = h('96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7');
const c = h('0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7');
const d = h('07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7');
const e = h('bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b');
const f = h('4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658');
const j = h('b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f');
const leaf7 = h('46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1');
const g = h('fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125');
const hh = h('5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e'); // "h" in the pictures
const i = h('0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a');
const jLeaf7 = h('ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0');
const k = h('d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7');
const l = h('6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4');
const NODE_HASHES = [[a, b, c, d, e, f, j, leaf7], [g, hh, i, jLeaf7], [k, l], [h('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328')]];

// RootHashes(), indexed by tree size.
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
].map(h);

// proof/verify_test.go `inclusionProofs`, with its 1-based leaf turned into a 0-based index.
const PUBLISHED_INCLUSION: { index: number; size: number; proof: Buffer[] }[] = [
  {
    index: 0,
    size: 8,
    proof: [
      h('96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7'),
      h('5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e'),
      h('6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'),
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      h('bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'),
      h('ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0'),
      h('d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'),
    ],
  },
  { index: 2, size: 3, proof: [h('fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125')] },
  {
    index: 1,
    size: 5,
    proof: [
      h('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'),
      h('5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e'),
      h('bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'),
    ],
  },
];

// proof/verify_test.go `consistencyProofs` (the 1 → 1 entry, an empty proof, is among the edge cases).
const PUBLISHED_CONSISTENCY: { from: number; to: number; proof: Buffer[] }[] = [
  {
    from: 1,
    to: 8,
    proof: [
      h('96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7'),
      h('5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e'),
      h('6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'),
    ],
  },
  {
    from: 6,
    to: 8,
    proof: [
      h('0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a'),
      h('ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0'),
      h('d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'),
    ],
  },
  {
    from: 2,
    to: 5,
    proof: [
      h('5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e'),
      h('bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'),
    ],
  },
  {
    from: 6,
    to: 7,
    proof: [
      h('0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a'),
      h('b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f'),
      h('d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'),
    ],
  },
];

// The root of D[4:7], which proof/proof_test.go marks as a rehash of i and j.
const ij = nodeHash(i, j);

// proof/proof_test.go TestInclusion (sizes up to 8), node IDs resolved to NodeHashes().
const STRUCTURAL_INCLUSION: [size: number, index: number, proof: Buffer[]][] = [
  [1, 0, []],
  [2, 0, [b]],
  [2, 1, [a]],
  [3, 1, [a, c]],
  [7, 0, [b, hh, ij]],
  [7, 1, [a, hh, ij]],
  [7, 2, [d, g, ij]],
  [7, 3, [c, g, ij]],
  [7, 4, [f, j, k]],
  [7, 5, [e, j, k]],
  [7, 6, [i, k]],
  [4, 2, [d, g]],
  [5, 3, [c, g, e]],
  [6, 3, [c, g, i]],
  [6, 4, [f, k]],
];

// proof/proof_test.go TestConsistency (sizes up to 8), node IDs resolved to NodeHashes().
const STRUCTURAL_CONSISTENCY: [from: number, to: number, proof: Buffer[]][] = [
  [1, 2, [b]],
  [1, 4, [b, hh]],
  [1, 6, [b, hh, i]],
  [2, 3, [c]],
  [2, 8, [hh, l]],
  [3, 7, [c, d, g, ij]],
  [4, 7, [ij]],
  [5, 7, [e, f, j, k]],
  [6, 7, [i, j, k]],
  [7, 8, [j, leaf7, i, k]],
  [1, 1, []],
  [2, 2, []],
  [3, 3, []],
  [4, 4, []],
  [5, 5, []],
  [7, 7, []],
  [8, 8, []],
  [2, 4, [hh]],
  [3, 5, [c, d, g, e]],
  [3, 6, [c, d, g, i]],
  [4, 6, [i]],
  [1, 7, [b, hh, ij]],
];

const referenceTree = (): MerkleTree => {
  const tree = new MerkleTree();
  for (const input of LEAF_INPUTS) tree.append(leafHash(input));
  return tree;
};

// ---------------------------------------------------------------------------------------------
// A deliberately naive reference, straight from the RFC 9162 §2.1 text: recursive, recomputing
// every subtree from the leaf hashes, with its own hashing (no leafHash/nodeHash from the module).
// ---------------------------------------------------------------------------------------------

const refSha = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const refLeaf = (data: Uint8Array): Buffer => refSha(Buffer.from([0x00]), data);
const refNode = (left: Uint8Array, right: Uint8Array): Buffer => refSha(Buffer.from([0x01]), left, right);
/** The largest power of two smaller than n. */
const refK = (n: number): number => {
  let pow = 1;
  while (pow * 2 < n) pow *= 2;
  return pow;
};

/** MTH(D) over leaf hashes: the leaf hash itself for one leaf. */
function refMth(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return refSha();
  if (leaves.length === 1) return leaves[0];
  const split = refK(leaves.length);
  return refNode(refMth(leaves.slice(0, split)), refMth(leaves.slice(split)));
}

/** PATH(m, D), §2.1.3.1. */
function refPath(m: number, leaves: readonly Buffer[]): Buffer[] {
  if (leaves.length === 1) return [];
  const split = refK(leaves.length);
  if (m < split) return [...refPath(m, leaves.slice(0, split)), refMth(leaves.slice(split))];
  return [...refPath(m - split, leaves.slice(split)), refMth(leaves.slice(0, split))];
}

/** SUBPROOF(m, D, b), §2.1.4.1. */
function refSubproof(m: number, leaves: readonly Buffer[], whole: boolean): Buffer[] {
  if (m === leaves.length) return whole ? [] : [refMth(leaves)];
  const split = refK(leaves.length);
  if (m <= split) return [...refSubproof(m, leaves.slice(0, split), whole), refMth(leaves.slice(split))];
  return [...refSubproof(m - split, leaves.slice(split), false), refMth(leaves.slice(0, split))];
}

/** PROOF(m, D); the RFC leaves m = 0 undefined, and the module's choice (empty) is mirrored here. */
const refProof = (m: number, leaves: readonly Buffer[]): Buffer[] => (m === 0 ? [] : refSubproof(m, leaves, true));

/** n distinct leaf hashes; the salt makes each run's tree different. */
const leavesOf = (n: number, salt: number): Buffer[] => Array.from({ length: n }, (_, index) => refLeaf(Buffer.from(`${salt}/${index}`)));
const treeOf = (leaves: readonly Buffer[]): MerkleTree => {
  const tree = new MerkleTree();
  for (const leaf of leaves) tree.append(leaf);
  return tree;
};

// ---------------------------------------------------------------------------------------------

describe('RFC 9162 hashing', () => {
  it('given nothing, when the empty tree is hashed, then its root is SHA-256 of the empty string', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(new MerkleTree().root().equals(EMPTY_ROOT)).toBe(true);
  });

  it('given the hasher vectors of rfc6962_test.go, when leaves and a node are hashed, then the published hashes come out', () => {
    expect(leafHash(new Uint8Array(0)).toString('hex')).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    expect(leafHash(Buffer.from('L123456')).toString('hex')).toBe('395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56');
    expect(nodeHash(Buffer.from('N123'), Buffer.from('N456')).toString('hex')).toBe('aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb');
  });

  it('given a string, when it is leaf-hashed, then it is hashed as its UTF-8 bytes', () => {
    expect(leafHash('L123456').equals(leafHash(Buffer.from('L123456')))).toBe(true);
    expect(leafHash('Åsa kör på öns väg').equals(refLeaf(Buffer.from('Åsa kör på öns väg', 'utf8')))).toBe(true);
    expect(leafHash('').equals(NODE_HASHES[0][0])).toBe(true);
  });

  it('given the 8 reference leaf inputs, when each is leaf-hashed, then the hashes are level 0 of NodeHashes()', () => {
    expect(hexes(LEAF_INPUTS.map((input) => leafHash(input)))).toEqual(hexes(NODE_HASHES[0]));
  });

  it('given two 32-byte children, when they are node-hashed repeatedly, then the shared scratch buffer never leaks between calls', () => {
    const first = nodeHash(a, b);
    const second = nodeHash(c, d);
    expect(first.equals(refNode(a, b))).toBe(true);
    expect(second.equals(refNode(c, d))).toBe(true);
    // Every level of NodeHashes() is the node hash of the pairs of the level below.
    for (let level = 1; level < NODE_HASHES.length; level++) {
      NODE_HASHES[level].forEach((node, index) => expect(nodeHash(NODE_HASHES[level - 1][2 * index], NODE_HASHES[level - 1][2 * index + 1]).equals(node)).toBe(true));
    }
  });
});

describe('the published Certificate Transparency vectors', () => {
  it('given the 8 reference leaves appended one by one, when the root of every size 0..8 is asked for, then each is the published root', () => {
    const tree = new MerkleTree();
    expect(tree.root().equals(ROOTS[0])).toBe(true);
    LEAF_INPUTS.forEach((input, index) => {
      expect(tree.append(leafHash(input))).toBe(index);
      expect(tree.root().toString('hex')).toBe(ROOTS[index + 1].toString('hex'));
    });
    // And every earlier size, asked of the full tree.
    expect(hexes(ROOTS.map((_, size) => tree.root(size)))).toEqual(hexes(ROOTS));
  });

  it('given the 8 reference leaves loaded in bulk, when roots are asked for, then they are the published roots', () => {
    const tree = MerkleTree.fromLeafHashes(Buffer.concat(NODE_HASHES[0]));
    expect(hexes(ROOTS.map((_, size) => tree.root(size)))).toEqual(hexes(ROOTS));
  });

  it.each(PUBLISHED_INCLUSION)('given leaf $index of a tree of $size, when its audit path is made, then it is the published one and verifies', ({ index, size, proof }) => {
    const tree = referenceTree();
    expect(hexes(tree.inclusionProof(index, size))).toEqual(hexes(proof));
    expect(verifyInclusion(leafHash(LEAF_INPUTS[index]), index, size, proof, ROOTS[size])).toBe(true);
  });

  it.each(PUBLISHED_INCLUSION)('given the published audit path of leaf $index of $size, when it is corrupted as verify_test.go does, then it never verifies', ({ index, size, proof }) => {
    const leaf = leafHash(LEAF_INPUTS[index]);
    const root = ROOTS[size];
    const someHash = h('abacaba000000000000000000000000000000000000000000060061e00123456');
    const probes: [number, number, Uint8Array, Uint8Array[], Uint8Array][] = [
      [index - 1, size, leaf, proof, root],
      [index + 1, size, leaf, proof, root],
      [index ^ 2, size, leaf, proof, root],
      [index, size * 2, leaf, proof, root],
      [index, Math.floor(size / 2), leaf, proof, root],
      [index, size, leafHash('WrongLeaf'), proof, root],
      [index, size, leaf, proof, EMPTY_ROOT],
      [index, size, leaf, proof, someHash],
      [index, size, leaf, [...proof, new Uint8Array(0)], root],
      [index, size, leaf, [...proof, root], root],
      [index, size, leaf, [new Uint8Array(0), ...proof], root],
      [index, size, leaf, [root, ...proof], root],
      [index, size, leaf, proof.slice(0, -1), root],
      [index, size, leaf, [proof[0], someHash, ...proof.slice(1)], root],
      ...proof.map((_, at): [number, number, Uint8Array, Uint8Array[], Uint8Array] => [index, size, leaf, proof.map((node, n) => (n === at ? flip(node, 3) : node)), root]),
    ];
    for (const [probeIndex, probeSize, probeLeaf, probeProof, probeRoot] of probes) expect(verifyInclusion(probeLeaf, probeIndex, probeSize, probeProof, probeRoot)).toBe(false);
  });

  it.each(PUBLISHED_CONSISTENCY)('given sizes $from and $to, when the consistency proof is made, then it is the published one and verifies', ({ from, to, proof }) => {
    expect(hexes(referenceTree().consistencyProof(from, to))).toEqual(hexes(proof));
    expect(verifyConsistency(from, to, ROOTS[from], ROOTS[to], proof)).toBe(true);
  });

  it.each(PUBLISHED_CONSISTENCY)('given the published consistency proof $from → $to, when it is corrupted as verify_test.go does, then it never verifies', ({ from, to, proof }) => {
    const [root1, root2] = [ROOTS[from], ROOTS[to]];
    const probes: [number, number, Uint8Array, Uint8Array, Uint8Array[]][] = [
      [from - 1, to, root1, root2, proof],
      [from + 1, to, root1, root2, proof],
      [from ^ 2, to, root1, root2, proof],
      [from, to * 2, root1, root2, proof],
      [from, Math.floor(to / 2), root1, root2, proof],
      [from, to, leafHash('WrongRoot'), root2, proof],
      [from, to, root1, leafHash('WrongRoot'), proof],
      [from, to, root2, root1, proof],
      [from, to, root1, root2, []],
      [from, to, root1, root2, [...proof, new Uint8Array(0)]],
      [from, to, root1, root2, [...proof, root1]],
      [from, to, root1, root2, [...proof, root2]],
      [from, to, root1, root2, [new Uint8Array(0), ...proof]],
      [from, to, root1, root2, [root1, ...proof]],
      [from, to, root1, root2, [root2, ...proof]],
      [from, to, root1, root2, [proof[0], ...proof]],
      [from, to, root1, root2, proof.slice(0, -1)],
      ...proof.map((_, at): [number, number, Uint8Array, Uint8Array, Uint8Array[]] => [from, to, root1, root2, proof.map((node, n) => (n === at ? flip(node, 4) : node))]),
    ];
    for (const [probeFrom, probeTo, probeRoot1, probeRoot2, probeProof] of probes) expect(verifyConsistency(probeFrom, probeTo, probeRoot1, probeRoot2, probeProof)).toBe(false);
  });

  it.each(STRUCTURAL_INCLUSION)('given a tree of %i, when leaf %i is proved, then the path has the nodes proof_test.go names', (size, index, proof) => {
    const tree = referenceTree();
    expect(hexes(tree.inclusionProof(index, size))).toEqual(hexes(proof));
    expect(verifyInclusion(NODE_HASHES[0][index], index, size, proof, ROOTS[size])).toBe(true);
  });

  it.each(STRUCTURAL_CONSISTENCY)('given sizes %i → %i, when consistency is proved, then the proof has the nodes proof_test.go names', (from, to, proof) => {
    const tree = referenceTree();
    expect(hexes(tree.consistencyProof(from, to))).toEqual(hexes(proof));
    expect(verifyConsistency(from, to, ROOTS[from], ROOTS[to], proof)).toBe(true);
  });
});

describe('the verifiers at the edges', () => {
  // TestVerifyInclusionSingleEntry and TestVerifyInclusion of proof/verify_test.go.
  it('given a one-leaf tree, when its leaf is checked with an empty path, then only the leaf hash as root verifies', () => {
    const hash = leafHash('data');
    expect(verifyInclusion(hash, 0, 1, [], hash)).toBe(true);
    expect(verifyInclusion(new Uint8Array(0), 0, 1, [], hash)).toBe(false);
    expect(verifyInclusion(hash, 0, 1, [], new Uint8Array(0))).toBe(false);
    // Not a 32-byte hash: the RFC loop alone would accept an empty leaf against an empty root.
    expect(verifyInclusion(new Uint8Array(0), 0, 1, [], new Uint8Array(0))).toBe(false);
  });

  it.each([
    [0, 0],
    [0, 1],
    [1, 0],
    [2, 1],
  ])('given index %i and size %i with an empty path, when a wrong leaf or root is checked, then it fails', (index, size) => {
    const someHash = h('abacaba000000000000000000000000000000000000000000060061e00123456');
    expect(verifyInclusion(someHash, index, size, [], new Uint8Array(0))).toBe(false);
    expect(verifyInclusion(new Uint8Array(0), index, size, [], EMPTY_ROOT)).toBe(false);
    expect(verifyInclusion(someHash, index, size, [], EMPTY_ROOT)).toBe(false);
  });

  it('given nonsense sizes and indexes, when inclusion is checked, then it fails rather than throws', () => {
    const hash = leafHash('x');
    for (const [index, size] of [
      [-1, 1],
      [0.5, 1],
      [0, 1.5],
      [Number.NaN, 1],
      [0, Number.POSITIVE_INFINITY],
      [0, 2 ** 60],
    ])
      expect(verifyInclusion(hash, index, size, [], hash)).toBe(false);
  });

  // TestVerifyConsistency of proof/verify_test.go, with 32-byte roots: this module also refuses
  // a root that is not a SHA-256 hash, where that test uses "don't care" strings.
  const root1 = leafHash("don't care 1");
  const root2 = leafHash("don't care 2");
  const edges: { from: number; to: number; fromRoot: Buffer; toRoot: Buffer; proof: Buffer[]; expected: boolean; what: string }[] = [
    { from: 0, to: 0, fromRoot: root1, toRoot: root2, proof: [], expected: false, what: 'equal sizes, different roots' },
    { from: 1, to: 1, fromRoot: root1, toRoot: root2, proof: [], expected: false, what: 'equal sizes, different roots' },
    { from: 0, to: 0, fromRoot: root1, toRoot: root1, proof: [], expected: true, what: 'equal sizes, equal roots' },
    { from: 0, to: 1, fromRoot: root1, toRoot: root2, proof: [], expected: true, what: 'from the empty tree' },
    { from: 1, to: 1, fromRoot: root2, toRoot: root2, proof: [], expected: true, what: 'equal sizes, equal roots' },
    { from: 1, to: 0, fromRoot: root1, toRoot: root2, proof: [], expected: false, what: 'time travel to the past' },
    { from: 2, to: 1, fromRoot: root1, toRoot: root2, proof: [], expected: false, what: 'time travel to the past' },
    { from: 1, to: 2, fromRoot: root1, toRoot: root2, proof: [], expected: false, what: 'an empty proof between different sizes' },
    { from: 0, to: 0, fromRoot: EMPTY_ROOT, toRoot: root2, proof: [], expected: false, what: 'roots that differ' },
    { from: 1, to: 1, fromRoot: EMPTY_ROOT, toRoot: root2, proof: [], expected: false, what: 'roots that differ' },
    { from: 0, to: 0, fromRoot: EMPTY_ROOT, toRoot: EMPTY_ROOT, proof: [EMPTY_ROOT], expected: false, what: 'equal roots but a proof' },
    { from: 0, to: 1, fromRoot: EMPTY_ROOT, toRoot: EMPTY_ROOT, proof: [EMPTY_ROOT], expected: false, what: 'from the empty tree with a proof' },
    { from: 1, to: 1, fromRoot: EMPTY_ROOT, toRoot: EMPTY_ROOT, proof: [EMPTY_ROOT], expected: false, what: 'equal roots but a proof' },
  ];
  it.each(edges)('given sizes $from → $to and $what, when consistency is checked, then it is $expected', ({ from, to, fromRoot, toRoot, proof, expected }) => {
    expect(verifyConsistency(from, to, fromRoot, toRoot, proof)).toBe(expected);
  });

  it('given roots that are not 32 bytes, when consistency is checked, then it fails even where nothing is to be proved', () => {
    expect(verifyConsistency(0, 0, Buffer.from('x'), Buffer.from('x'), [])).toBe(false);
    expect(verifyConsistency(0, 5, Buffer.from('x'), root2, [])).toBe(false);
    expect(verifyConsistency(3, 3, Buffer.alloc(31), Buffer.alloc(31), [])).toBe(false);
  });

  it('given nonsense sizes, when consistency is checked, then it fails rather than throws', () => {
    for (const [from, to] of [
      [-1, 2],
      [1, 2.5],
      [Number.NaN, 2],
      [1, Number.POSITIVE_INFINITY],
    ])
      expect(verifyConsistency(from, to, root1, root2, [root1])).toBe(false);
  });

  it('given the path of leaf 0 of 3, when it is checked as leaf 0 of 4, then it verifies: RFC 9162 binds the size only through the path shape, so size and root must come from one signed checkpoint', () => {
    const tree = referenceTree();
    const proof = tree.inclusionProof(0, 3);
    expect(verifyInclusion(tree.leaf(0), 0, 4, proof, tree.root(3))).toBe(true);
    expect(verifyInclusion(tree.leaf(0), 0, 4, proof, tree.root(4))).toBe(false);
  });
});

describe('agreement with the naive RFC reference', () => {
  it('given a 64-leaf tree, when every root, audit path and consistency proof of every size is made, then each equals the reference and verifies', () => {
    const leaves = leavesOf(64, 7);
    const tree = treeOf(leaves);
    for (let size = 0; size <= leaves.length; size++) {
      const prefix = leaves.slice(0, size);
      const root = refMth(prefix);
      expect(tree.root(size).equals(root)).toBe(true);
      for (let index = 0; index < size; index++) {
        const proof = tree.inclusionProof(index, size);
        expect(hexes(proof)).toEqual(hexes(refPath(index, prefix)));
        expect(verifyInclusion(leaves[index], index, size, proof, root)).toBe(true);
      }
      for (let from = 0; from <= size; from++) {
        const proof = tree.consistencyProof(from, size);
        expect(hexes(proof)).toEqual(hexes(refProof(from, prefix)));
        expect(verifyConsistency(from, size, refMth(leaves.slice(0, from)), root, proof)).toBe(true);
      }
    }
  });

  it('given a tree past 2^12 leaves, when proofs near the ragged right edge are made, then they equal the reference', () => {
    const leaves = leavesOf(5000, 11);
    const tree = treeOf(leaves);
    for (const [index, size] of [
      [4096, 4097],
      [4999, 5000],
      [0, 5000],
      [2047, 4095],
      [3000, 4500],
    ]) {
      expect(hexes(tree.inclusionProof(index, size))).toEqual(hexes(refPath(index, leaves.slice(0, size))));
    }
    for (const [from, to] of [
      [4096, 4097],
      [4095, 5000],
      [1, 5000],
      [2049, 4100],
    ]) {
      expect(hexes(tree.consistencyProof(from, to))).toEqual(hexes(refProof(from, leaves.slice(0, to))));
    }
    expect(tree.root().equals(refMth(leaves))).toBe(true);
  });

  // n leaves with a salt, then a size ≤ n, an index < size and an earlier size ≤ size derived from raw naturals.
  const scenario = fc.tuple(fc.integer({ min: 1, max: 300 }), fc.nat(), fc.nat(), fc.nat(), fc.nat()).map(([n, salt, s, x, m]) => {
    const size = 1 + (s % n);
    return { n, salt, size, index: x % size, from: m % (size + 1) };
  });

  it('given random trees up to 300 leaves, when roots, audit paths and consistency proofs are made, then they equal the reference and verify', () => {
    fc.assert(
      fc.property(scenario, ({ n, salt, size, index, from }) => {
        const leaves = leavesOf(n, salt);
        const tree = treeOf(leaves);
        const prefix = leaves.slice(0, size);
        const root = refMth(prefix);
        expect(tree.root(size).equals(root)).toBe(true);
        expect(tree.root().equals(refMth(leaves))).toBe(true);
        const path = tree.inclusionProof(index, size);
        expect(hexes(path)).toEqual(hexes(refPath(index, prefix)));
        expect(verifyInclusion(leaves[index], index, size, path, root)).toBe(true);
        const proof = tree.consistencyProof(from, size);
        expect(hexes(proof)).toEqual(hexes(refProof(from, prefix)));
        expect(verifyConsistency(from, size, refMth(leaves.slice(0, from)), root, proof)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('given a valid audit path, when a bit, the index, the size, the leaf, the root or the path length is wrong, then it no longer verifies', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), fc.nat(), ({ n, salt, size, index }, bit, other) => {
        const leaves = leavesOf(n, salt);
        const tree = treeOf(leaves);
        const root = tree.root(size);
        const path = tree.inclusionProof(index, size);
        const leaf = leaves[index];
        expect(verifyInclusion(leaf, index, size, path, root)).toBe(true);
        if (path.length > 0) {
          const at = other % path.length;
          expect(verifyInclusion(leaf, index, size, path.map((node, p) => (p === at ? flip(node, bit % 256) : node)), root)).toBe(false);
          expect(verifyInclusion(leaf, index, size, path.slice(0, -1), root)).toBe(false);
          expect(verifyInclusion(leaf, index, size, path.slice(1), root)).toBe(false);
        }
        expect(verifyInclusion(leaf, index, size, [...path, root], root)).toBe(false);
        expect(verifyInclusion(leaf, index, size, [leaf, ...path], root)).toBe(false);
        // Any other leaf position of the same tree (the leaves are distinct).
        const wrongIndex = (index + 1 + (other % Math.max(1, size - 1))) % size;
        if (wrongIndex !== index) {
          expect(verifyInclusion(leaf, wrongIndex, size, path, root)).toBe(false);
          expect(verifyInclusion(leaves[wrongIndex], index, size, path, root)).toBe(false);
        }
        // The sizes verify_test.go probes: other sizes can share the path's shape (see the edge cases).
        expect(verifyInclusion(leaf, index, size * 2, path, root)).toBe(false);
        expect(verifyInclusion(leaf, index, Math.floor(size / 2), path, root)).toBe(false);
        expect(verifyInclusion(leaf, index, size, path, flip(root, bit % 256))).toBe(false);
        if (size < n) expect(verifyInclusion(leaf, index, size, path, tree.root(size + 1))).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it('given a valid consistency proof, when a bit, a size, a root or the proof length is wrong, then it no longer verifies', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), fc.nat(), ({ n, salt, size, from }, bit, other) => {
        fc.pre(from > 0 && from < size);
        const tree = treeOf(leavesOf(n, salt));
        const [root1, root2] = [tree.root(from), tree.root(size)];
        const proof = tree.consistencyProof(from, size);
        expect(verifyConsistency(from, size, root1, root2, proof)).toBe(true);
        const at = other % proof.length;
        expect(verifyConsistency(from, size, root1, root2, proof.map((node, p) => (p === at ? flip(node, bit % 256) : node)))).toBe(false);
        expect(verifyConsistency(from, size, root1, root2, proof.slice(0, -1))).toBe(false);
        expect(verifyConsistency(from, size, root1, root2, proof.slice(1))).toBe(false);
        expect(verifyConsistency(from, size, root1, root2, [...proof, root2])).toBe(false);
        expect(verifyConsistency(from, size, root1, root2, [proof[0], ...proof])).toBe(false);
        expect(verifyConsistency(from, size, root1, root2, [])).toBe(false);
        expect(verifyConsistency(from, size, root2, root1, proof)).toBe(false);
        expect(verifyConsistency(from, size, flip(root1, bit % 256), root2, proof)).toBe(false);
        expect(verifyConsistency(from, size, root1, flip(root2, bit % 256), proof)).toBe(false);
        // The sizes verify_test.go probes.
        for (const [wrongFrom, wrongTo] of [
          [from - 1, size],
          [from + 1, size],
          [from ^ 2, size],
          [from, size * 2],
          [from, Math.floor(size / 2)],
        ])
          expect(verifyConsistency(wrongFrom, wrongTo, root1, root2, proof)).toBe(false);
      }),
      { numRuns: 150 },
    );
  });
});

describe('persistence', () => {
  it('given leaf hashes saved from an incremental tree, when a tree is built from them in bulk, then it matches in every root and proof, and both go on growing alike', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 70 }), fc.nat(), (n, more, salt) => {
        const leaves = leavesOf(n + more, salt);
        const incremental = treeOf(leaves.slice(0, n));
        const saved = incremental.leafHashes();
        expect(saved.length).toBe(n * HASH_SIZE);
        const bulk = MerkleTree.fromLeafHashes(saved);
        expect(bulk.size).toBe(n);
        expect(bulk.leafHashes().equals(saved)).toBe(true);
        for (const leaf of leaves.slice(n)) expect(bulk.append(leaf)).toBe(incremental.append(leaf));
        const total = n + more;
        expect(bulk.leafHashes().equals(Buffer.concat(leaves))).toBe(true);
        for (let size = 0; size <= total; size++) {
          expect(bulk.root(size).equals(incremental.root(size))).toBe(true);
          if (size > 0) expect(hexes(bulk.inclusionProof(size - 1, size))).toEqual(hexes(incremental.inclusionProof(size - 1, size)));
          expect(hexes(bulk.consistencyProof(Math.floor(size / 3), size))).toEqual(hexes(incremental.consistencyProof(Math.floor(size / 3), size)));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('given the saved leaves, when they are changed afterwards, then the tree is not', () => {
    const tree = referenceTree();
    const saved = tree.leafHashes();
    saved.fill(0);
    const leaf = tree.leaf(3);
    leaf.fill(0);
    tree.inclusionProof(0, 8)[0].fill(0);
    tree.root().fill(0);
    const source = Buffer.concat(NODE_HASHES[0]);
    const bulk = MerkleTree.fromLeafHashes(source);
    source.fill(0);
    expect(tree.root().equals(ROOTS[8])).toBe(true);
    expect(bulk.root().equals(ROOTS[8])).toBe(true);
    expect(hexes(tree.inclusionProof(0, 8))).toEqual(hexes(PUBLISHED_INCLUSION[0].proof));
    expect(EMPTY_ROOT.toString('hex')).toBe(ROOTS[0].toString('hex'));
  });

  it('given an empty buffer, when a tree is built from it, then it is the empty tree and still accepts appends', () => {
    const tree = MerkleTree.fromLeafHashes(Buffer.alloc(0));
    expect(tree.size).toBe(0);
    expect(tree.leafHashes().length).toBe(0);
    expect(tree.root().equals(EMPTY_ROOT)).toBe(true);
    tree.append(a);
    expect(tree.root().equals(ROOTS[1])).toBe(true);
  });
});

describe('out-of-range arguments', () => {
  const tree = referenceTree();

  it('given a tree of 8, when a leaf outside it is asked for, then a RangeError says so', () => {
    expect(() => tree.leaf(8)).toThrow(RangeError);
    expect(() => tree.leaf(8)).toThrow('index 8 is out of range for size 8');
    expect(() => tree.leaf(-1)).toThrow(RangeError);
    expect(() => tree.leaf(1.5)).toThrow('index must be a non-negative integer, not 1.5');
    expect(() => tree.leaf(Number.NaN)).toThrow(RangeError);
  });

  it('given a tree of 8, when a root beyond it or of a nonsense size is asked for, then a RangeError says so', () => {
    expect(() => tree.root(9)).toThrow("size 9 is beyond the tree's 8 leaves");
    expect(() => tree.root(-1)).toThrow(RangeError);
    expect(() => tree.root(2.5)).toThrow(RangeError);
  });

  it('given a tree of 8, when an audit path outside it is asked for, then a RangeError says so', () => {
    expect(() => tree.inclusionProof(3, 3)).toThrow('index 3 is out of range for size 3');
    expect(() => tree.inclusionProof(0, 0)).toThrow(RangeError);
    expect(() => tree.inclusionProof(0, 9)).toThrow("size 9 is beyond the tree's 8 leaves");
    expect(() => tree.inclusionProof(-1, 4)).toThrow(RangeError);
    expect(() => tree.inclusionProof(1, 4.5)).toThrow(RangeError);
  });

  it('given a tree of 8, when a consistency proof backwards, beyond it or of nonsense sizes is asked for, then a RangeError says so', () => {
    expect(() => tree.consistencyProof(5, 4)).toThrow('from (5) must not exceed to (4)');
    expect(() => tree.consistencyProof(1, 9)).toThrow("size 9 is beyond the tree's 8 leaves");
    expect(() => tree.consistencyProof(-1, 4)).toThrow(RangeError);
    expect(() => tree.consistencyProof(1.5, 4)).toThrow(RangeError);
    expect(tree.consistencyProof(0, 8)).toEqual([]);
    expect(tree.consistencyProof(8, 8)).toEqual([]);
  });

  it('given a leaf hash that is not 32 bytes or leaf hashes not a multiple of 32, when they are added, then a RangeError says so', () => {
    expect(() => new MerkleTree().append(new Uint8Array(31))).toThrow('a leaf hash must be 32 bytes, got 31');
    expect(() => MerkleTree.fromLeafHashes(Buffer.alloc(33))).toThrow('leaf hashes must be a multiple of 32 bytes, got 33');
  });
});
