export const ROLES = ['writer', 'auditor', 'reader', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: an API key's name, its roles and, for writers, the municipalities it acts for. */
export interface Principal {
  name: string;
  roles: Role[];
  /** For writers: the municipalities the key may act for. */
  municipalities: string[];
}

/** What a request does, for the role check. */
export type Access = 'read' | 'write' | 'audit';

/** The contract's role table: writers send commands (and may read), auditors read everything, readers read queries and subscriptions. */
export function mayAccess(principal: Principal, access: Access): boolean {
  if (principal.roles.includes('admin')) return true;
  switch (access) {
    case 'write':
      return principal.roles.includes('writer');
    case 'audit':
      return principal.roles.includes('auditor');
    case 'read':
      return principal.roles.some((r) => r === 'reader' || r === 'auditor' || r === 'writer');
  }
}

/** The principal of a service that runs open (no keys configured: development on loopback). */
export const OPEN_PRINCIPAL: Principal = Object.freeze({ name: 'anonymous', roles: ['admin'] as Role[], municipalities: [] as string[] });
