/**
 * What the emulator's product areas (workouts, lab reports) need from the emulator: its clock, its
 * ids, its users and providers, and the way it sends webhooks.
 * @internal
 * @packageDocumentation
 */
import type { TerraUser } from '../models/index.js';
import type { Random } from './random.js';

/** A connection the emulator holds. */
export type EmulatedUser = TerraUser & { provider: string };

/** What the emulator knows of a provider. */
export interface EmulatedProvider {
  /** How planned workouts reach it: pushed to its API, through the mobile SDK, or not at all. */
  readonly workouts?: 'push' | 'sdk' | undefined;
}

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
