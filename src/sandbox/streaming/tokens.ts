/**
 * The gateway's token endpoints (`POST /auth/developer`, `POST /auth/user?id=`) and its book of
 * single-use tokens: minted with the credentials the gateway accepts, redeemed once by IDENTIFY
 * within their time to live.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamRole } from '../../streaming/protocol.js';
import type { StreamingGatewayStats } from './types.js';

/** What a token grants: a role, and for a producer the user it speaks for. @internal */
export interface TokenGrant {
  role: 0 | 1;
  userId: string | undefined;
  expiresAt: number;
}

/** Tokens minted and not yet redeemed. @internal */
export class TokenBook {
  readonly #tokens = new Map<string, TokenGrant>();
  readonly #ttlMs: number;
  readonly #stats: StreamingGatewayStats;

  constructor(ttlMs: number, stats: StreamingGatewayStats) {
    this.#ttlMs = ttlMs;
    this.#stats = stats;
  }

  /** A new token for `role` (and `userId`, for a producer). */
  mint(role: 0 | 1, userId: string | undefined): string {
    const now = Date.now();
    if (this.#tokens.size > 10_000)
      for (const [key, grant] of this.#tokens) if (grant.expiresAt < now) this.#tokens.delete(key);
    const token = randomBytes(24).toString('base64url');
    this.#tokens.set(token, { role, userId, expiresAt: now + this.#ttlMs });
    this.#stats.tokensIssued++;
    return token;
  }

  /** Redeems `token` for `role` once: its grant, or undefined (unknown, used, expired, another role). */
  redeem(token: unknown, role: unknown): TokenGrant | undefined {
    const grant = typeof token === 'string' ? this.#tokens.get(token) : undefined;
    if (grant !== undefined) this.#tokens.delete(token as string);
    if (grant === undefined || grant.expiresAt < Date.now() || grant.role !== role) return undefined;
    return grant;
  }
}

function basicCredentials(header: string | undefined): { devId: string; apiKey: string } | undefined {
  if (header === undefined || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { devId: decoded.slice(0, colon), apiKey: decoded.slice(colon + 1) };
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Who may ask for tokens. @internal */
export interface TokenPolicy {
  /** The dev id required; any non-empty one when undefined. */
  devId: string | undefined;
  /** The API key required; any non-empty one when undefined. */
  apiKey: string | undefined;
  /** The users `/auth/user` accepts; any when undefined. */
  users: ReadonlySet<string> | undefined;
}

/**
 * Answers `POST /auth/developer` and `POST /auth/user?id=`; returns false for any other path.
 * @internal
 */
export function handleTokenRequest(
  req: IncomingMessage,
  res: ServerResponse,
  policy: TokenPolicy,
  book: TokenBook,
): boolean {
  const url = new URL(req.url ?? '/', 'http://gateway.local');
  if (url.pathname !== '/auth/developer' && url.pathname !== '/auth/user') return false;
  // The body is unused; read it so the connection stays reusable.
  req.resume();
  if (req.method !== 'POST') {
    answer(res, 405, { status: 'error', message: 'use POST' });
    return true;
  }
  const header = (name: string): string | undefined => {
    const value = req.headers[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const credentials = basicCredentials(header('authorization')) ?? {
    devId: header('dev-id') ?? '',
    apiKey: header('x-api-key') ?? '',
  };
  if (credentials.devId === '' || credentials.apiKey === '') {
    answer(res, 400, { status: 'error', message: 'missing dev-id or x-api-key' });
    return true;
  }
  if (
    (policy.devId !== undefined && credentials.devId !== policy.devId) ||
    (policy.apiKey !== undefined && credentials.apiKey !== policy.apiKey)
  ) {
    answer(res, 403, { status: 'error', message: 'invalid credentials' });
    return true;
  }
  if (url.pathname === '/auth/developer') {
    answer(res, 200, { token: book.mint(StreamRole.CONSUMER, undefined) });
    return true;
  }
  const id = url.searchParams.get('id');
  if (id === null || id === '') {
    answer(res, 400, { status: 'error', message: 'missing id' });
    return true;
  }
  if (policy.users !== undefined && !policy.users.has(id)) {
    answer(res, 403, { status: 'error', message: 'user does not belong to this developer' });
    return true;
  }
  answer(res, 200, { token: book.mint(StreamRole.PRODUCER, id) });
  return true;
}
