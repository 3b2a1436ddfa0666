/**
 * Reading the corpus: its manifest, its payloads byte for byte, and what Terra's spec (the JSON
 * Schemas the models are generated from, read with ajv by `npm run generate` into
 * test/fixtures/spec/corpus-spec-issues.json) says about each webhook payload. Shared by
 * the corpus test and the `drift.ts` report.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusSpecIssues } from '../support/spec.js';

/** How a payload came to be in the corpus (see SOURCES.md). */
export type Realness =
  | 'terra-sdk-test'
  | 'terra-docs'
  | 'recorded-delivery'
  | 'integrator-fixture'
  | 'quoted-example'
  | 'constructed';

/** A place where a payload differs from Terra's spec, and the override of the generator that makes the SDK's types say so. */
export interface SpecDriftEntry {
  /** JSON path of the field (for a missing field, where it would be). */
  path: string;
  /** The JSON-Schema keyword it breaks (`required`, `type`, `const`). */
  keyword: string;
  /** The `OVERRIDES` key (`Model.field`) of scripts/generate-models.ts that covers it. */
  override: string;
}

/** One entry of `manifest.json`. */
export interface CorpusEntry {
  file: string;
  kind: 'webhook' | 'response';
  /** Webhooks: the event type. */
  eventType?: string;
  /** Webhooks: the spec schema of that type (`schemas/<specModel>.yaml`), when the spec has one. */
  specModel?: string;
  /** Responses: `METHOD /path`. */
  endpoint?: string;
  /** Responses: how the request was made. */
  request?: { toWebhook?: boolean };
  source: {
    repository: string | null;
    path: string | null;
    commit: string | null;
    url: string | null;
    quotedIn?: string;
  };
  realness: Realness;
  redactions: string[];
  /** JSON paths whose values the corpus filled in (seeds quoted with `...`, or built from a class). */
  filledIn?: string[];
  /** Where the SDK reports drift: `<path> <code>` for each entry of the delivery's `drift`. */
  sdkDrift: string[];
  /** Webhooks with a `specModel`: where the payload differs from Terra's spec. */
  specDrift?: SpecDriftEntry[];
  notes: string;
}

export const CORPUS_DIR = dirname(fileURLToPath(import.meta.url));

export function readManifest(): CorpusEntry[] {
  return JSON.parse(readFileSync(join(CORPUS_DIR, 'manifest.json'), 'utf8')) as CorpusEntry[];
}

/** The payload's bytes as stored, and its JSON. */
export function readPayload(entry: CorpusEntry): { text: string; json: unknown } {
  const text = readFileSync(join(CORPUS_DIR, entry.file), 'utf8');
  return { text, json: JSON.parse(text) };
}

/** A difference ajv finds between a payload and the spec. */
export interface SpecIssue {
  path: string;
  keyword: string;
}

/**
 * Where the payload of `entry` differs from the spec's schema `entry.specModel`, as ajv found it
 * (formats not checked: the SDK records them without enforcing them). Fails when the recorded finding
 * is missing or was made for another payload or model: `npm run generate` records it again.
 */
export function specIssues(entry: CorpusEntry): SpecIssue[] {
  const recorded = corpusSpecIssues()[entry.file];
  const digest = createHash('sha256').update(readPayload(entry).text).digest('hex');
  if (!recorded || recorded.specModel !== entry.specModel || recorded.sha256 !== digest) {
    throw new Error(
      `test/fixtures/spec/corpus-spec-issues.json has no finding for ${entry.file} as it is now (${entry.specModel}): ` +
        'run `npm run generate -- --spec <the folder of Terra’s OpenAPI description>`',
    );
  }
  return recorded.issues;
}
