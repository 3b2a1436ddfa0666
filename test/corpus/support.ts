/**
 * Reading the corpus: its manifest, its payloads byte for byte, and what Terra's spec (the JSON
 * Schemas the models are generated from, read with ajv) says about each webhook payload. Shared by
 * the corpus test and the `drift.ts` report.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { loadYaml } from '../../scripts/generate-models.js';
import { SPEC_DIR } from '../support/spec.js';

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

interface AjvError {
  instancePath: string;
  keyword: string;
  params: { missingProperty?: string };
}
type Validate = ((value: unknown) => boolean) & { errors?: AjvError[] | null };

let ajv: Ajv2020 | undefined;

/** The compiled spec schema `schemas/<model>.yaml`. */
function validator(model: string): Validate {
  if (ajv === undefined) {
    ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    const dir = join(SPEC_DIR, 'schemas');
    for (const file of readdirSync(dir)) {
      if (file.endsWith('.yaml'))
        ajv.addSchema({ ...(loadYaml(join(dir, file)) as object), $id: `spec:/schemas/${file}` });
    }
  }
  const validate = ajv.getSchema(`spec:/schemas/${model}.yaml`) as Validate | undefined;
  if (!validate) throw new Error(`the spec has no schema ${model}`);
  return validate;
}

const toJsonPath = (pointer: string) =>
  `$${pointer
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`))
    .join('')}`;

/**
 * Where `value` differs from the spec's schema `model` (`schemas/<model>.yaml`), deduplicated.
 * Formats are not checked: the SDK records them without enforcing them.
 */
export function specIssues(model: string, value: unknown): SpecIssue[] {
  const validate = validator(model);
  if (validate(value)) return [];
  const seen = new Map<string, SpecIssue>();
  for (const error of validate.errors ?? []) {
    const base = toJsonPath(error.instancePath);
    const path = error.keyword === 'required' ? `${base}.${error.params.missingProperty}` : base;
    seen.set(`${path} ${error.keyword}`, { path, keyword: error.keyword });
  }
  return [...seen.values()];
}
