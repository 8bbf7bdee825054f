export { AccessGuard, KEY_RING, accessOf } from './access.guard';
export { KeyRing, KeysFileError, parseKeysFile, sha256Hex } from './key-ring';
export type { KeyEntry } from './key-ring';
export { OPEN_PRINCIPAL, ROLES, mayAccess } from './principal';
export type { Access, Principal, Role } from './principal';
