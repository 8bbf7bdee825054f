import { KeyObject, createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import { ApiError } from './api';
import {
  AuditEvent,
  AuditSource,
  Ed25519Fallback,
  EventVerdict,
  InclusionCheck,
  LogEntry,
  VerifierKey,
  VerifyError,
  checkInclusion,
  eventLeafHash,
  leafHash,
  leafInputOf,
  nodeHash,
  parseCheckpointNote,
  parseVerifierKey,
  tally,
  toBase64,
  toHex,
  verifyCheckpointNote,
  verifyEd25519,
  verifyEntries,
} from './verify';

/**
 * The dashboard's own verification (verify.ts), in Node 24, whose globalThis.crypto is the same
 * WebCrypto as the browser's, Ed25519 included. Everything expected here comes from published
 * vectors, from node:crypto, or from the service's code run once and pinned (the dashboard may not
 * import server code: .dependency-cruiser.js, web-talks-only-http).
 */

const h = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));
const hex = (bytes: Uint8Array): string => toHex(bytes);
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
/**
 * What a check failed with, as "<code>: <message>", for matching with toMatch and toContain
 * (jest's asymmetric matchers are `any` to the linter).
 */
async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => new Error('it did not fail'),
    (e: unknown) => e,
  );
  if (!(error instanceof VerifyError)) throw error;
  return `${error.code}: ${error.message}`;
}
const thrown = (fn: () => unknown): Promise<string> => failure(Promise.resolve().then(fn));
const because = (result: InclusionCheck | EventVerdict | undefined): string => (result && 'code' in result ? `${result.code}: ${result.message}` : JSON.stringify(result));

const flip = (bytes: Uint8Array, bit: number): Uint8Array => {
  const copy = Uint8Array.from(bytes);
  copy[Math.floor(bit / 8) % copy.length] ^= 1 << bit % 8;
  return copy;
};

// ---------------------------------------------------------------------------------------------
// The 8-leaf tree of Certificate Transparency's reference implementations, as in
// libs/audit/src/merkle/merkle.unit.spec.ts (which cites each source):
// - leaf inputs: transparency-dev/merkle testonly/constants.go LeafInputs() (also `leaves` in
//   google/trillian merkle/log_verifier_test.go);
// - subtree hashes: testonly/constants.go NodeHashes(); roots of sizes 0..8: RootHashes();
// - inclusion proofs: transparency-dev/merkle proof/verify_test.go `inclusionProofs` (1-based
//   leaves there, 0-based here) and proof/proof_test.go TestInclusion (node IDs resolved);
// - hasher vectors: transparency-dev/merkle rfc6962/rfc6962_test.go TestRFC6962Hasher.
// ---------------------------------------------------------------------------------------------

const LEAF_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(h);

const a = h('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
const b = h('96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7');
const c = h('0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7');
const d = h('07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7');
const e = h('bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b');
const f = h('4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658');
const j = h('b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f');
const leaf7 = h('46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1');
const g = h('fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125');
const hh = h('5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e');
const i = h('0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a');
const jLeaf7 = h('ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0');
const k = h('d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7');
const l = h('6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4');
const NODE_HASHES = [[a, b, c, d, e, f, j, leaf7], [g, hh, i, jLeaf7], [k, l], [h('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328')]];

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

const PUBLISHED_INCLUSION: { index: number; size: number; proof: Uint8Array[] }[] = [
  { index: 0, size: 8, proof: [b, hh, l] },
  { index: 5, size: 8, proof: [e, jLeaf7, k] },
  { index: 2, size: 3, proof: [g] },
  { index: 1, size: 5, proof: [a, hh, e] },
];

/** proof/proof_test.go TestInclusion; "ij" is the rehashed root of D[4:7], nodeHash(i, j). */
const structuralInclusion = async (): Promise<[size: number, index: number, proof: Uint8Array[]][]> => {
  const ij = await nodeHash(i, j);
  return [
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
};

// A naive RFC 9162 §2.1 reference with node:crypto (recursive MTH and PATH), for trees of any size.
const refSha = (...parts: Uint8Array[]): Uint8Array => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return Uint8Array.from(hash.digest());
};
const refLeaf = (data: Uint8Array): Uint8Array => refSha(Uint8Array.of(0), data);
const refK = (n: number): number => {
  let pow = 1;
  while (pow * 2 < n) pow *= 2;
  return pow;
};
function refMth(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return refSha();
  if (leaves.length === 1) return leaves[0];
  const split = refK(leaves.length);
  return refSha(Uint8Array.of(1), refMth(leaves.slice(0, split)), refMth(leaves.slice(split)));
}
function refPath(m: number, leaves: readonly Uint8Array[]): Uint8Array[] {
  if (leaves.length === 1) return [];
  const split = refK(leaves.length);
  if (m < split) return [...refPath(m, leaves.slice(0, split)), refMth(leaves.slice(split))];
  return [...refPath(m - split, leaves.slice(split)), refMth(leaves.slice(0, split))];
}

describe('RFC 9162 hashing in the browser code', () => {
  it('gives the published hasher vectors and the 8 reference leaf hashes', async () => {
    expect(hex(await leafHash(new Uint8Array(0)))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    expect(hex(await leafHash('L123456'))).toBe('395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56');
    expect(hex(await nodeHash(Buffer.from('N123'), Buffer.from('N456')))).toBe('aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb');
    expect(await Promise.all(LEAF_INPUTS.map(async (input) => hex(await leafHash(input))))).toEqual(NODE_HASHES[0].map(hex));
    for (let level = 1; level < NODE_HASHES.length; level++) {
      for (const [index, node] of NODE_HASHES[level].entries()) expect(hex(await nodeHash(NODE_HASHES[level - 1][2 * index], NODE_HASHES[level - 1][2 * index + 1]))).toBe(hex(node));
    }
  });
});

describe('the RFC 9162 §2.1.3.2 fold (checkInclusion)', () => {
  it('accepts the published inclusion proofs of transparency-dev/merkle verify_test.go', async () => {
    for (const { index, size, proof } of PUBLISHED_INCLUSION) {
      await expect(checkInclusion(await leafHash(LEAF_INPUTS[index]), index, size, proof, ROOTS[size])).resolves.toEqual({ ok: true });
    }
  });

  it('accepts the structural proofs of proof_test.go TestInclusion', async () => {
    for (const [size, index, proof] of await structuralInclusion()) {
      await expect(checkInclusion(NODE_HASHES[0][index], index, size, proof, ROOTS[size])).resolves.toEqual({ ok: true });
    }
  });

  it('folds every leaf of every tree of 1 to 8 reference leaves, and of larger trees, to the root', async () => {
    for (let size = 1; size <= 8; size++) {
      for (let index = 0; index < size; index++) {
        await expect(checkInclusion(NODE_HASHES[0][index], index, size, refPath(index, NODE_HASHES[0].slice(0, size)), ROOTS[size])).resolves.toEqual({ ok: true });
      }
    }
    for (const size of [13, 31, 32, 33, 100]) {
      const leaves = Array.from({ length: size }, (_, n) => refLeaf(Buffer.from(`leaf ${n}`)));
      const root = refMth(leaves);
      for (const index of [0, 1, size >> 1, size - 2, size - 1]) await expect(checkInclusion(leaves[index], index, size, refPath(index, leaves), root)).resolves.toEqual({ ok: true });
    }
  });

  it('rejects a changed hash, a changed leaf, another leaf index, a short or long path, and malformed input, each with its reason', async () => {
    const { index, size, proof } = PUBLISHED_INCLUSION[1];
    const leaf = await leafHash(LEAF_INPUTS[index]);
    const root = ROOTS[size];
    for (let n = 0; n < proof.length; n++) {
      const changed = proof.map((p, m) => (m === n ? flip(p, 7 * n + 3) : p));
      await expect(checkInclusion(leaf, index, size, changed, root)).resolves.toMatchObject({ ok: false, code: 'root-mismatch' });
    }
    expect(because(await checkInclusion(flip(leaf, 0), index, size, proof, root))).toMatch(/^root-mismatch: the proof folds to .* not to the signed root/);
    await expect(checkInclusion(leaf, index, size, proof, flip(root, 100))).resolves.toMatchObject({ ok: false, code: 'root-mismatch' });
    await expect(checkInclusion(leaf, 4, size, proof, root)).resolves.toMatchObject({ ok: false, code: 'root-mismatch' });
    expect(because(await checkInclusion(leaf, index, size, proof.slice(0, -1), root))).toBe('proof-shape: the proof has 2 hashes, fewer than leaf 5 of a tree of 8 needs');
    expect(because(await checkInclusion(leaf, index, size, [...proof, a], root))).toBe('proof-shape: the proof has 4 hashes, more than leaf 5 of a tree of 8 needs');
    await expect(checkInclusion(leaf, index, size, [], root)).resolves.toMatchObject({ ok: false, code: 'proof-shape' });
    await expect(checkInclusion(leaf, 8, 8, proof, root)).resolves.toMatchObject({ ok: false, code: 'malformed-proof', message: 'leaf 8 is not in a tree of 8 leaves' });
    await expect(checkInclusion(leaf, -1, 8, proof, root)).resolves.toMatchObject({ ok: false, code: 'malformed-proof' });
    await expect(checkInclusion(leaf, index, size, [proof[0], proof[1].subarray(0, 31), proof[2]], root)).resolves.toMatchObject({ ok: false, code: 'malformed-proof', message: 'hash 2 of the proof is 31 bytes, not 32' });
    // A one-leaf tree: the leaf is the root, and any path is too long.
    await expect(checkInclusion(a, 0, 1, [], ROOTS[1])).resolves.toEqual({ ok: true });
    await expect(checkInclusion(a, 0, 1, [b], ROOTS[1])).resolves.toMatchObject({ ok: false, code: 'proof-shape' });
  });
});

// ---------------------------------------------------------------------------------------------
// Signed checkpoint notes, made here with a fresh Ed25519 key and node:crypto.
// ---------------------------------------------------------------------------------------------

const ORIGIN = 'samverkan.test/register';

function rawPublicKey(key: KeyObject): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  return Uint8Array.from(Buffer.from(jwk.x ?? '', 'base64url'));
}

/** SHA-256(name ‖ "\n" ‖ 0x01 ‖ key)[:4], computed with node:crypto. */
function keyIdOf(name: string, raw: Uint8Array): Buffer {
  return createHash('sha256').update(`${name}\n`, 'utf8').update(Uint8Array.of(1)).update(raw).digest().subarray(0, 4);
}

interface Signer {
  name: string;
  keyId: Buffer;
  raw: Uint8Array;
  privateKey: KeyObject;
  verifierKey: string;
}

function newSigner(name = ORIGIN): Signer {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = rawPublicKey(publicKey);
  const keyId = keyIdOf(name, raw);
  return { name, keyId, raw, privateKey, verifierKey: `${name}+${keyId.toString('hex')}+${b64(Uint8Array.of(1, ...raw))}` };
}

const checkpointText = (size: number, root: Uint8Array, origin = ORIGIN): string => `${origin}\n${size}\n${b64(root)}\n`;
const signatureLine = (signer: Signer, text: string): string => `— ${signer.name} ${Buffer.concat([signer.keyId, sign(null, Buffer.from(text, 'utf8'), signer.privateKey)]).toString('base64')}\n`;
const signedNote = (signer: Signer, text: string, ...more: string[]): string => `${text}\n${signatureLine(signer, text)}${more.join('')}`;

/** Swaps one line of a note (0-based), keeping everything else, signature included. */
const replaceLine = (note: string, line: number, value: string): string => {
  const lines = note.split('\n');
  lines[line] = value;
  return lines.join('\n');
};

describe('checkpoint notes: strict parsing', () => {
  const root = ROOTS[8];
  const signer = newSigner();
  const note = signedNote(signer, checkpointText(8, root));

  it('reads the origin, tree size, root and signature lines of a C2SP tlog-checkpoint note', () => {
    const parsed = parseCheckpointNote(note);
    expect(parsed).toMatchObject({ origin: ORIGIN, treeSize: 8, extensions: [], text: checkpointText(8, root) });
    expect(hex(parsed.rootHash)).toBe(hex(root));
    expect(parsed.signatures).toHaveLength(1);
    expect(parsed.signatures[0]).toMatchObject({ name: ORIGIN, keyId: signer.keyId.readUInt32BE(0) });
    expect(parsed.signatures[0].signature).toHaveLength(64);
  });

  it('reads the tlog-checkpoint spec example', () => {
    const text = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
    const parsed = parseCheckpointNote(`${text}\n— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n`);
    expect(parsed).toMatchObject({ origin: 'example.com/behind-the-sofa', treeSize: 20852163, text });
    expect(b64(parsed.rootHash)).toBe('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=');
  });

  /** The base64 digit before a single '=' encodes 2 bits that carry nothing: setting one keeps the bytes and breaks the canonical form. */
  const nonCanonical = (digit: string): string => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    return alphabet[alphabet.indexOf(digit) ^ 1];
  };
  const cases: [string, string, RegExp][] = [
    ['no blank line', checkpointText(8, root), /no blank line/],
    ['no signature line', `${checkpointText(8, root)}\n`, /no signature line/],
    ['a cut-off signature line', note.slice(0, -1), /does not end in a newline/],
    ['a hyphen for the em dash', note.replace('— ', '- '), /em dash/],
    ['CRLF line ends', note.replace(/\n/g, '\r\n'), /carriage return/],
    ['two lines of text', `${ORIGIN}\n8\n\n${signatureLine(signer, `${ORIGIN}\n8\n`)}`, /it needs origin, tree size and root hash/],
    ['an empty origin', replaceLine(note, 0, ''), /origin \(line 1\) is empty/],
    ['a size with a leading zero', replaceLine(note, 1, '08'), /leading zero/],
    ['a negative size', replaceLine(note, 1, '-8'), /is not a decimal number/],
    ['a size beyond 2^53 - 1', replaceLine(note, 1, '9007199254740992'), /larger than 2\^53 - 1/],
    ['a root of 31 bytes', replaceLine(note, 2, b64(root.subarray(0, 31))), /is 31 bytes, not 32/],
    ['a root in URL-safe base64', replaceLine(note, 2, 'CsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I='), /URL-safe/],
    ['a non-canonical root', replaceLine(note, 2, 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J='), /not canonical/],
    ['a root without padding', replaceLine(note, 2, b64(root).replace('=', '')), /not a multiple of 4/],
    ['a signature in non-canonical base64', note.replace(/(.)=\n$/, (_all, last: string) => `${nonCanonical(last)}=\n`), /signature line 1 .* not canonical base64/],
    ['a signature with no key id', note.replace(/ [A-Za-z0-9+/=]+\n$/, ' AAAA\n'), /decodes to 3 bytes/],
  ];
  it.each(cases)('refuses %s, saying why', async (_what, text, reason) => {
    expect(() => parseCheckpointNote(text)).toThrow(reason);
    await expect(thrown(() => parseCheckpointNote(text))).resolves.toMatch(/^malformed-note: /);
  });
});

describe('checkpoint notes: the Ed25519 signature and the key id', () => {
  const root = ROOTS[8];
  const signer = newSigner();
  const text = checkpointText(8, root);
  const note = signedNote(signer, text);
  let key: VerifierKey;
  beforeAll(async () => {
    key = await parseVerifierKey(signer.verifierKey);
  });

  it('parses the verifier key and recomputes its key id', async () => {
    expect(key).toMatchObject({ name: ORIGIN, keyId: signer.keyId.readUInt32BE(0) });
    expect(hex(key.rawPublicKey)).toBe(hex(signer.raw));
    const other = newSigner('another.example/log');
    await expect(parseVerifierKey(other.verifierKey)).resolves.toMatchObject({ name: 'another.example/log', keyId: other.keyId.readUInt32BE(0) });
  });

  it('verifies a note signed with the key, with WebCrypto, and ignores a witness cosignature line', async () => {
    const verified = await verifyCheckpointNote(note, key, { origin: ORIGIN });
    expect(verified).toMatchObject({ origin: ORIGIN, treeSize: 8, via: 'webcrypto' });
    expect(hex(verified.rootHash)).toBe(hex(root));
    const witness = newSigner('witness.example/w1');
    const cosigned = signedNote(signer, text, `— ${witness.name} ${Buffer.concat([witness.keyId, Buffer.alloc(72, 7)]).toString('base64')}\n`);
    await expect(verifyCheckpointNote(cosigned, key)).resolves.toMatchObject({ treeSize: 8 });
  });

  it('rejects a changed tree size', async () => {
    expect(await failure(verifyCheckpointNote(replaceLine(note, 1, '9'), key))).toBe(
      `bad-signature: the signature by ${ORIGIN}+${signer.keyId.toString('hex')} does not verify: the checkpoint was changed after it was signed, or another key signed it`,
    );
  });

  it('rejects a changed root', async () => {
    await expect(verifyCheckpointNote(replaceLine(note, 2, b64(ROOTS[7])), key)).rejects.toMatchObject({ code: 'bad-signature' });
  });

  it('rejects a changed signature byte, and a signature of the wrong length', async () => {
    const bytes = Buffer.from(note.split('\n')[4].split(' ')[2], 'base64');
    for (const at of [4, 30, 67]) {
      const changed = Buffer.from(bytes);
      changed[at] ^= 0x01;
      await expect(verifyCheckpointNote(replaceLine(note, 4, `— ${ORIGIN} ${changed.toString('base64')}`), key)).rejects.toMatchObject({ code: 'bad-signature' });
    }
    expect(await failure(verifyCheckpointNote(replaceLine(note, 4, `— ${ORIGIN} ${bytes.subarray(0, 67).toString('base64')}`), key))).toMatch(/^bad-signature: .* is 63 bytes, not 64/);
  });

  it('rejects a signature line with another key id, and a note signed by another key of the same name', async () => {
    const bytes = Buffer.from(note.split('\n')[4].split(' ')[2], 'base64');
    bytes[0] ^= 0x80;
    const wrongId = (signer.keyId.readUInt32BE(0) ^ 0x80000000) >>> 0;
    expect(await failure(verifyCheckpointNote(replaceLine(note, 4, `— ${ORIGIN} ${bytes.toString('base64')}`), key))).toBe(
      `wrong-key-id: the note is signed by ${ORIGIN} with key id ${wrongId.toString(16).padStart(8, '0')}, not with the published key ${ORIGIN}+${signer.keyId.toString('hex')}: another key made that signature`,
    );
    const impostor = newSigner(ORIGIN);
    await expect(verifyCheckpointNote(signedNote(impostor, text), key)).rejects.toMatchObject({ code: 'wrong-key-id' });
    expect(await failure(verifyCheckpointNote(signedNote(newSigner('someone.else/log'), text), key))).toMatch(new RegExp(`^unsigned: the note carries no signature by ${ORIGIN} \\(it is signed by someone.else/log\\+[0-9a-f]{8}\\)$`));
  });

  it('rejects a verifier key whose key id does not match its name and key, and malformed keys', async () => {
    // The key's base64 may itself hold plus signs: split at the first two only.
    const [name, id] = signer.verifierKey.split('+');
    const material = signer.verifierKey.slice(name.length + id.length + 2);
    const otherId = ((Number.parseInt(id, 16) ^ 1) >>> 0).toString(16).padStart(8, '0');
    expect(await failure(parseVerifierKey(`${name}+${otherId}+${material}`))).toBe(`key-id-mismatch: the verifier key says key id ${otherId}, but its name and key give ${id}: the key was altered`);
    // The same key under another name has another key id.
    await expect(parseVerifierKey(`other.name+${id}+${material}`)).rejects.toMatchObject({ code: 'key-id-mismatch' });
    await expect(parseVerifierKey(`${name}+${id}`)).rejects.toMatchObject({ code: 'malformed-key' });
    // An upper-case digit (a random key id may hold no letter at all, so one is put in).
    expect(await failure(parseVerifierKey(`${name}+${id.slice(0, 7)}A+${material}`))).toMatch(/^malformed-key: .* is not 8 lowercase hex digits$/);
    expect(await failure(parseVerifierKey(`${name}+${id}+${b64(Uint8Array.of(4, ...signer.raw))}`))).toBe('malformed-key: the verifier key is of signature type 0x04, not Ed25519 (0x01)');
    expect(await failure(parseVerifierKey(`${name}+${id}+${b64(Uint8Array.of(1, ...signer.raw.subarray(1)))}`))).toBe('malformed-key: the verifier key holds 31 key bytes, not 32');
  });

  it("rejects a checkpoint of another origin than the key's log", async () => {
    const elsewhere = signedNote(signer, checkpointText(8, root, 'elsewhere.example/log'));
    await expect(verifyCheckpointNote(elsewhere, key, { origin: ORIGIN })).rejects.toMatchObject({ code: 'origin-mismatch' });
  });
});

describe('Ed25519 where WebCrypto lacks it', () => {
  const signer = newSigner();
  const message = Buffer.from('a message\n');
  const signature = Uint8Array.from(sign(null, message, signer.privateKey));
  /** A WebCrypto without Ed25519, as older browsers answer importKey. */
  const noEd25519 = {
    importKey: () => Promise.reject(new DOMException('Algorithm: Unrecognized name', 'NotSupportedError')),
  } as unknown as SubtleCrypto;
  const calls: string[] = [];
  /** Stands in for @noble/ed25519's verifyAsync (an ES module Jest's CommonJS runtime cannot load); node:crypto checks. */
  const nodeFallback = async (): Promise<Ed25519Fallback> => {
    calls.push('loaded');
    return async (sig, msg, publicKey) => verify(null, msg, { key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') }, format: 'jwk' }, sig);
  };

  it('checks with WebCrypto when it has Ed25519, and never loads the fallback', async () => {
    await expect(verifyEd25519(signer.raw, message, signature, { fallback: nodeFallback })).resolves.toEqual({ ok: true, via: 'webcrypto' });
    await expect(verifyEd25519(signer.raw, message, flip(signature, 9), { fallback: nodeFallback })).resolves.toEqual({ ok: false, via: 'webcrypto' });
    expect(calls).toEqual([]);
  });

  it('falls back to the library, which then decides', async () => {
    await expect(verifyEd25519(signer.raw, message, signature, { subtle: noEd25519, fallback: nodeFallback })).resolves.toEqual({ ok: true, via: 'noble' });
    await expect(verifyEd25519(signer.raw, Buffer.from('another message\n'), signature, { subtle: noEd25519, fallback: nodeFallback })).resolves.toEqual({ ok: false, via: 'noble' });
    expect(calls).toEqual(['loaded', 'loaded']);
    const key = await parseVerifierKey(signer.verifierKey);
    const note = signedNote(signer, checkpointText(3, ROOTS[3]));
    await expect(verifyCheckpointNote(note, key, { subtle: noEd25519, fallback: nodeFallback })).resolves.toMatchObject({ treeSize: 3, via: 'noble' });
    await expect(verifyCheckpointNote(replaceLine(note, 1, '4'), key, { subtle: noEd25519, fallback: nodeFallback })).rejects.toMatchObject({ code: 'bad-signature' });
  });

  it('says so when the library cannot be loaded either', async () => {
    expect(await failure(verifyEd25519(signer.raw, message, signature, { subtle: noEd25519, fallback: () => Promise.reject(new Error('chunk failed')) }))).toBe(
      "unavailable: this browser's WebCrypto has no Ed25519, and the Ed25519 library did not load: chunk failed",
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Leaf hashes of events.
// ---------------------------------------------------------------------------------------------

const EVENT: AuditEvent = {
  position: 42,
  stream: 'agreement-lkp-buys-payroll-2020',
  revision: 3,
  type: 'AgreementSigned',
  id: '6f1c2b9e-4d3a-4c1e-9a7b-2f0e8d5c1a44',
  data: { party: '0580', signedOn: '2019-11-25', note: 'Linköping – undertecknat \u{1F58B}', amounts: [1, 2.5, 1e21, -0, 0.1], nested: { z: null, a: true, é: 'e', Z: 'Z' } },
  metadata: { recordedAt: '2019-11-25T10:00:00.000Z', actor: 'diariet-linkoping', correlationId: 'c-1' },
  recordedAt: '2019-11-25T10:00:00.000Z',
  leafIndex: 41,
};

/** RFC 8785 of EVENT's seven fields, written out by hand: keys sorted by UTF-16 code units, ES number forms. */
const EVENT_JCS =
  '{"data":{"amounts":[1,2.5,1e+21,0,0.1],"nested":{"Z":"Z","a":true,"z":null,"é":"e"},"note":"Linköping – undertecknat 🖋","party":"0580","signedOn":"2019-11-25"},' +
  '"id":"6f1c2b9e-4d3a-4c1e-9a7b-2f0e8d5c1a44","metadata":{"actor":"diariet-linkoping","correlationId":"c-1","recordedAt":"2019-11-25T10:00:00.000Z"},' +
  '"position":42,"revision":3,"stream":"agreement-lkp-buys-payroll-2020","type":"AgreementSigned"}';

/** eventLeafHash(EVENT) of @samverkan/audit (libs/audit/src/tree/leaf.ts), run once and pinned here. */
const SERVER_LEAF_HASH = '0d41fcb636d00f308bcebc0058554027f443c473677879622666bc72a49d4ef8';

describe("an event's leaf", () => {
  it('is the JCS of exactly its seven recorded fields (recordedAt and leafIndex left out)', () => {
    expect(leafInputOf(EVENT)).toBe(EVENT_JCS);
    expect(leafInputOf({ ...EVENT, recordedAt: 'another time', leafIndex: 7 })).toBe(EVENT_JCS);
  });

  it("hashes to the server's eventLeafHash, and to SHA-256(0x00 ‖ UTF-8) computed with node:crypto", async () => {
    const hash = hex(await eventLeafHash(EVENT));
    expect(hash).toBe(SERVER_LEAF_HASH);
    expect(hash).toBe(createHash('sha256').update(Uint8Array.of(0)).update(EVENT_JCS, 'utf8').digest('hex'));
    // Any change to what was recorded changes the leaf.
    expect(hex(await eventLeafHash({ ...EVENT, revision: 4 }))).not.toBe(SERVER_LEAF_HASH);
    expect(hex(await eventLeafHash({ ...EVENT, data: { ...(EVENT.data as object), party: '0581' } }))).not.toBe(SERVER_LEAF_HASH);
  });
});

// ---------------------------------------------------------------------------------------------
// The whole check against a stand-in for the audit API (a log of 6 events, the reference tree).
// ---------------------------------------------------------------------------------------------

describe('verifyEntries', () => {
  const signer = newSigner();
  const stream = 'federation-test';
  const log: AuditEvent[] = Array.from({ length: 6 }, (_, n) => ({
    position: 10 + n,
    stream: n === 2 ? 'municipality-0580' : stream,
    revision: n,
    type: n === 0 ? 'FederationFormed' : 'ReviewRecorded',
    id: `id-${n}`,
    data: { n, text: 'förbund' },
    metadata: { recordedAt: `2020-01-0${n + 1}T00:00:00.000Z` },
    recordedAt: `2020-01-0${n + 1}T00:00:00.000Z`,
    leafIndex: n,
  }));
  const leaves = log.map((event) => refLeaf(Buffer.from(leafInputOf(event), 'utf8')));
  const entries: LogEntry[] = log.filter((event) => event.stream === stream).map(({ position, stream: s, type }) => ({ position, stream: s, type }));

  const source = (size: number | undefined, change: Partial<AuditSource> = {}, served: AuditEvent[] = log): AuditSource => ({
    checkpoint: async () => (size === undefined ? undefined : signedNote(signer, checkpointText(size, refMth(leaves.slice(0, size))))),
    publicKey: async () => ({ origin: ORIGIN, noteVerifierKey: signer.verifierKey }),
    stream: async (name) => served.filter((event) => event.stream === name),
    inclusionProof: async (leafIndex, treeSize) => ({ leafIndex, treeSize, hashes: refPath(leafIndex, leaves.slice(0, treeSize)).map(b64) }),
    ...change,
  });

  it('verifies the events the checkpoint covers and says the later ones are not covered yet', async () => {
    const result = await verifyEntries(entries, source(4));
    expect(result.checkpoint).toEqual({ status: 'ok', origin: ORIGIN, treeSize: 4, rootHash: b64(refMth(leaves.slice(0, 4))), keyName: ORIGIN, keyId: signer.keyId.toString('hex'), via: 'webcrypto' });
    expect(Object.fromEntries(result.events)).toEqual({
      10: { status: 'verified', leafIndex: 0 },
      11: { status: 'verified', leafIndex: 1 },
      13: { status: 'verified', leafIndex: 3 },
      14: { status: 'not-covered', leafIndex: 4 },
      15: { status: 'not-covered', leafIndex: 5 },
    });
    expect(tally(result, entries)).toEqual({ verified: 3, failed: 0, notCovered: 2, total: 5 });
    const all = await verifyEntries(entries, source(6));
    expect(tally(all, entries)).toEqual({ verified: 5, failed: 0, notCovered: 0, total: 5 });
  });

  it('fails an event whose recorded content the API changed, and one the log does not hold', async () => {
    const served = log.map((event) => (event.position === 11 ? { ...event, data: { n: 1, text: 'forbund' } } : event));
    const result = await verifyEntries([...entries, { position: 99, stream, type: 'ReviewRecorded' }, { position: 12, stream: 'municipality-0580', type: 'FederationDissolved' }], source(6, {}, served));
    expect(result.events.get(10)).toEqual({ status: 'verified', leafIndex: 0 });
    expect(result.events.get(11)).toMatchObject({ status: 'failed', code: 'root-mismatch', leafIndex: 1 });
    expect(result.events.get(99)).toMatchObject({ status: 'failed', code: 'not-in-log' });
    // The row says another event than the log holds at its position.
    expect(result.events.get(12)).toMatchObject({ status: 'failed', code: 'row-mismatch' });
  });

  it('fails every event when the checkpoint does not verify, and gives a proof for another size as malformed', async () => {
    const forged = source(4, { checkpoint: async () => replaceLine(signedNote(signer, checkpointText(4, refMth(leaves.slice(0, 4)))), 1, '5') });
    const result = await verifyEntries(entries, forged);
    expect(result.checkpoint).toMatchObject({ status: 'failed', code: 'bad-signature' });
    for (const verdict of result.events.values()) expect(verdict).toMatchObject({ status: 'failed', code: 'checkpoint-failed' });
    const lying = await verifyEntries(entries, source(4, { inclusionProof: async (leafIndex) => ({ leafIndex, treeSize: 3, hashes: [] }) }));
    expect(lying.events.get(10)).toMatchObject({ status: 'failed', code: 'malformed-proof' });
    const badBase64 = await verifyEntries(entries, source(4, { inclusionProof: async (leafIndex, treeSize) => ({ leafIndex, treeSize, hashes: ['not base64!'] }) }));
    expect(badBase64.events.get(10)).toMatchObject({ status: 'failed', code: 'malformed-proof' });
  });

  it('answers "no checkpoint yet" for a 404, and a forbidden or failed fetch as a verdict, never a rejection', async () => {
    const none = await verifyEntries(entries, source(undefined));
    expect(none.checkpoint).toEqual({ status: 'none' });
    expect([...none.events.values()].every((v) => v.status === 'not-covered')).toBe(true);
    const forbidden = await verifyEntries(entries, source(4, { publicKey: () => Promise.reject(new ApiError(403, { code: 'forbidden' }, 'This key may not read the audit log.')) }));
    expect(forbidden.checkpoint).toMatchObject({ status: 'failed', code: 'forbidden' });
    const offline = await verifyEntries(entries, source(4, { stream: () => Promise.reject(new TypeError('Failed to fetch')) }));
    expect(offline.checkpoint).toMatchObject({ status: 'ok' });
    expect(because(offline.events.get(10))).toBe('fetch-failed: the events of federation-test could not be fetched: Failed to fetch');
    const proofless = await verifyEntries(entries, source(4, { inclusionProof: () => Promise.reject(new ApiError(400, undefined, 'out of range')) }));
    expect(proofless.events.get(10)).toMatchObject({ status: 'failed', code: 'fetch-failed' });
    const noKey = await verifyEntries(entries, source(4, { publicKey: async () => ({ origin: ORIGIN }) }));
    expect(noKey.checkpoint).toMatchObject({ status: 'failed', code: 'malformed-key' });
  });

  it('toBase64 and the proof decoding agree with Buffer', () => {
    for (const bytes of [new Uint8Array(0), Uint8Array.of(0), Uint8Array.of(255, 254), ROOTS[8]]) expect(toBase64(bytes)).toBe(b64(bytes));
  });
});
