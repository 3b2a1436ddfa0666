/**
 * What the emulator's product areas (workouts, lab reports) need from the emulator: its clock, its
 * ids, its users and providers, and the way it sends webhooks.
 * @internal
 * @packageDocumentation
 */
import type { TerraUser } from '../../models/index.js';
import type { Random } from '../random.js';
import type { FlowResult, ResolvedOptions } from './options.js';
import type { EmulatedProvider } from './providers.js';

export type { EmulatedProvider } from './providers.js';

/** A connection the emulator holds. */
export type EmulatedUser = TerraUser & { provider: string };

export interface EmulatorContext {
  /** The emulator's clock, in epoch milliseconds. */
  now(): number;
  /** Ids and other choices, from the seed. */
  readonly random: Random;
  /** The connection with this id, if it exists. */
  user(userId: string | null): EmulatedUser | undefined;
  /** What the emulator knows of a provider. */
  provider(name: string): EmulatedProvider | undefined;
  /** Whether a provider is made to fail (`setProviderOutage`). */
  isDown(provider: string): boolean;
  /** Sends a webhook. */
  emit(event: { type: string } & Record<string, unknown>, reference?: string): void;
}

/** The parts of a request a product area routes on. */
export interface Route {
  readonly method: string;
  /** The path's segments below the base URL, decoded: `['workouts', '123', 'plan']`. */
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  /** The path and query, for Problem bodies. */
  readonly instance: string;
  readonly request: Request;
}

/** The most of one kind of thing the emulator keeps (templates, plans, sessions): it never grows without bound. */
export const MAX_STORED = 10_000;

/** An 18-digit id, as Terra's workout and lab-report ids (above 2^53, so kept as a string). */
export function snowflakeId(random: Random): string {
  return `${random.int(100_000, 999_999)}${String(random.int(0, 999_999_999_999)).padStart(12, '0')}`;
}

/** An instant as an RFC 3339 UTC date-time, as the newer endpoints write them. */
export const isoTime = (ms: number) => new Date(ms).toISOString();

/**
 * An id no other run repeats: trace ids and request references. A sandbox started again with the same
 * seed makes the same users and data, but must never send a trace id a receiver has already
 * recorded, or the receiver's deduplication would drop the new delivery.
 */
export function uniqueId(): string {
  return globalThis.crypto.randomUUID();
}

/** A time as Terra writes `created_at`: UTC with microseconds and offset. */
export function utc(ms: number): string {
  return `${new Date(ms).toISOString().replace('Z', '')}000+00:00`;
}

/** A widget session or an authentication link, until the person finishes it. */
export interface Flow {
  id: string;
  kind: 'widget' | 'direct';
  providers: string[];
  referenceId: string | null;
  successUrl: string | undefined;
  failureUrl: string | undefined;
  /** The user id promised by `authenticateUser`. */
  userId: string | undefined;
  expiresAt: number;
  done: boolean;
}

/** What the API areas (users, data, writes, auth) share with the emulator: its state and its webhooks. */
export interface EmulatorState {
  readonly options: ResolvedOptions;
  readonly origin: string;
  readonly users: Map<string, EmulatedUser>;
  readonly flows: Map<string, Flow>;
  readonly spent: Map<string, { at: number; days: number }[]>;
  /** Ids of records written (`POST /activity`, ...), for the deletes; the oldest go first past the cap. */
  readonly written: Set<string>;
  /** Connections whose credentials the provider refused (`connection_error`) since they connected. */
  readonly failed: Set<string>;
  readonly random: Random;
  now(): number;
  emit<E extends { type: string }>(event: E, reference?: string, traceId?: string): void;
  completeFlow(flowId: string, options: { provider?: string | undefined; cancel?: boolean | undefined }): FlowResult;
}
