import { CanActivate, ExecutionContext, HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import { Access, OPEN_PRINCIPAL, Principal, mayAccess } from './principal';
import { KeyRing, sha256Hex } from './key-ring';

export const KEY_RING = Symbol('KEY_RING');

interface GuardedRequest {
  method: string;
  url: string;
  /** The route that matched (Fastify), e.g. `/v1/audit/events`. */
  routeOptions?: { url?: string };
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/** What a request does: commands write, /v1/audit is for auditors, everything else reads. */
export function accessOf(method: string, path: string): Access {
  if (path.startsWith('/v1/audit')) return 'audit';
  return method === 'GET' || method === 'HEAD' ? 'read' : 'write';
}

function problem(status: 401 | 403, code: 'unauthenticated' | 'forbidden', message: string): HttpException {
  return new HttpException({ code, message }, status);
}

/**
 * Authenticates every route (except the open ones, which carry no controller guard need:
 * /health and /docs are registered outside it) with `Authorization: Bearer <key>`, and
 * checks the role against what the request does. Municipality scopes are checked by the
 * command handlers, which know whom each command acts for.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger('Access');

  constructor(@Inject(KEY_RING) private readonly keys: KeyRing) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    // The route that matched decides what a request does, not the raw URL: Fastify decodes %-escapes
    // before it routes, so `/v1/%61udit/events` reaches the audit routes.
    const path = request.routeOptions?.url ?? request.url.split('?')[0];
    if (path === '/health') return true;
    if (!this.keys.configured) {
      request.principal = OPEN_PRINCIPAL;
      return true;
    }
    const header = request.headers.authorization;
    const value = Array.isArray(header) ? header[0] : header;
    // Only spaces and tabs are HTTP white space (RFC 9110 OWS); trim() would also strip U+00A0 and the like.
    const match = value ? /^[ \t]*Bearer ([\x21-\x7e]{16,512})[ \t]*$/i.exec(value) : null;
    if (!match) throw problem(401, 'unauthenticated', 'Send an API key as Authorization: Bearer <key>.');
    const principal = this.keys.authenticate(match[1]);
    if (!principal) {
      // Only a prefix of the key's hash is logged: enough to correlate attempts, useless to an attacker.
      this.logger.warn(`Unknown API key (sha256 ${sha256Hex(match[1]).slice(0, 8)}…) for ${request.method} ${path}`);
      throw problem(401, 'unauthenticated', 'The API key is not valid.');
    }
    request.principal = principal;
    const access = accessOf(request.method, path);
    if (!mayAccess(principal, access)) {
      throw problem(403, 'forbidden', `The key '${principal.name}' (${principal.roles.join(', ')}) may not ${access === 'write' ? 'send commands' : access === 'audit' ? 'read the audit log' : 'read'}.`);
    }
    return true;
  }
}
