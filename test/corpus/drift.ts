/**
 * Runs every payload of the corpus through the SDK and through Terra's spec, and writes `DRIFT.md`
 * beside this file: webhooks through the SDK's event parser (what `verifyWebhook` and the handler
 * use), data responses through the client's data-response parser, other responses through the
 * strict parse of their endpoint's schema; webhooks of a type the spec describes also through the
 * spec's JSON Schema (ajv). Issues are listed by JSON path and code; values never appear.
 *
 * Run with `npx tsx test/corpus/drift.ts` after changing the SDK or the corpus; the corpus test
 * fails when `manifest.json`'s `sdkDrift` and `specDrift` no longer say what this finds.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as z from 'zod/mini';
import { TerraValidationError, type TerraValidationIssue } from '../../src/errors.js';
import { parseDataResponse } from '../../src/internal/data-response.js';
import {
  AuthTokenSchema,
  IntegrationsResponseSchema,
  ProvidersResponseSchema,
  SubscribedUsersSchema,
  UserAuthUrlSchema,
  UserDeauthRespSchema,
  UserInfoSchema,
  UsersResponseSchema,
  WidgetSessionSchema,
} from '../../src/models/index.js';
import { parseStrict, type SchemaDrift } from '../../src/models/parse.js';
import type { TerraDataType } from '../../src/response.js';
import { readEvent } from '../../src/webhooks/events.js';
import { CORPUS_DIR, type CorpusEntry, readManifest, readPayload, type SpecIssue, specIssues } from './support.js';

/** What the SDK made of one file. */
interface Outcome {
  entry: CorpusEntry;
  checkedWith: string;
  result: 'delivered' | 'failed' | 'unknown-type' | 'no-schema';
  parsedAs?: string;
  drift: readonly SchemaDrift[];
  issues: readonly TerraValidationIssue[];
  spec: SpecIssue[] | undefined;
}

const DATA_ENDPOINTS: Record<string, TerraDataType> = {
  'GET /activity': 'activity',
  'GET /athlete': 'athlete',
  'GET /body': 'body',
  'GET /daily': 'daily',
  'GET /menstruation': 'menstruation',
  'GET /nutrition': 'nutrition',
  'GET /sleep': 'sleep',
};

/** The schema each other endpoint's answer is checked with, as the client does. */
const RESPONSE_SCHEMAS: Record<string, { name: string; schema: z.core.$ZodType }> = {
  'GET /userInfo': { name: 'UserInfo', schema: UserInfoSchema },
  'GET /subscriptions': { name: 'SubscribedUsers', schema: SubscribedUsersSchema },
  'POST /bulkUserInfo': { name: 'UsersResponse', schema: UsersResponseSchema },
  'GET /integrations': { name: 'ProvidersResponse', schema: ProvidersResponseSchema },
  'GET /integrations/detailed': { name: 'IntegrationsResponse', schema: IntegrationsResponseSchema },
  'POST /auth/authenticateUser': { name: 'UserAuthUrl', schema: UserAuthUrlSchema },
  'POST /auth/generateWidgetSession': { name: 'WidgetSession', schema: WidgetSessionSchema },
  'POST /auth/generateAuthToken': { name: 'AuthToken', schema: AuthTokenSchema },
  'DELETE /auth/deauthenticateUser': { name: 'UserDeauthResp', schema: UserDeauthRespSchema },
};

function sdk(entry: CorpusEntry, json: unknown): Omit<Outcome, 'entry' | 'spec'> {
  const subject = `The ${entry.endpoint ?? 'webhook'} payload`;
  let checkedWith = 'readEvent';
  try {
    if (entry.kind === 'webhook') {
      const { value, drift } = readEvent(json);
      if (value.type === 'unknown') return { checkedWith, result: 'unknown-type', drift, issues: [] };
      return { checkedWith, result: 'delivered', parsedAs: value.type, drift, issues: [] };
    }
    const dtype = DATA_ENDPOINTS[entry.endpoint ?? ''];
    if (dtype) {
      checkedWith = `parseDataResponse(${dtype})`;
      const { value, drift } = parseDataResponse(dtype, json, entry.request?.toWebhook ?? true, subject);
      return { checkedWith, result: 'delivered', parsedAs: value.kind, drift, issues: [] };
    }
    const target = RESPONSE_SCHEMAS[entry.endpoint ?? ''];
    if (!target) return { checkedWith: '(none)', result: 'no-schema', drift: [], issues: [] };
    checkedWith = `parseStrict(${target.name}Schema)`;
    parseStrict(target.schema, json, subject);
    return { checkedWith, result: 'delivered', drift: [], issues: [] };
  } catch (error) {
    if (!(error instanceof TerraValidationError)) throw error;
    return { checkedWith, result: 'failed', drift: [], issues: error.issues };
  }
}

/** What the SDK and the spec make of every file of the corpus. */
function checkCorpus(entries: readonly CorpusEntry[] = readManifest()): Outcome[] {
  return entries.map((entry) => {
    const { json } = readPayload(entry);
    const spec = entry.specModel ? specIssues(entry) : undefined;
    return { entry, ...sdk(entry, json), spec };
  });
}

const cell = (text: string) => text.replaceAll('|', '\\|');
const code = (text: string) => `\`${cell(text)}\``;

function report(outcomes: readonly Outcome[]): string {
  const lines: string[] = [];
  const push = (...more: string[]) => lines.push(...more);
  push(
    '# Drift: the corpus against the SDK and against Terra’s spec',
    '',
    'Generated by `npx tsx test/corpus/drift.ts`; do not edit by hand. Webhooks go through the SDK’s event parser',
    '(what `verifyWebhook` and `createWebhookHandler` use), data responses through the client’s data-response parser,',
    'other responses through the strict parse of their endpoint’s schema. Webhooks of a type Terra’s spec describes',
    'are also checked against the spec’s JSON Schema (ajv, formats not checked): those differences are what the',
    'generator’s `OVERRIDES` absorb, so that the SDK’s types say what really arrives. Paths and codes only; no value',
    'from a payload appears here.',
    '',
  );
  const count = (r: Outcome['result']) => outcomes.filter((o) => o.result === r).length;
  push(
    `**${outcomes.length} files**: ${count('delivered')} delivered or parsed, ${count('failed')} rejected, ` +
      `${count('unknown-type')} unknown event types, ${count('no-schema')} without an SDK call; ` +
      `${outcomes.filter((o) => o.drift.length > 0).length} with SDK drift; ` +
      `${outcomes.filter((o) => (o.spec?.length ?? 0) > 0).length} of ${outcomes.filter((o) => o.spec).length} ` +
      'spec-described webhooks differ from the spec.',
    '',
    '## By event type and endpoint',
    '',
    '| kind | event type / endpoint | files | realness | delivered | SDK drift | differ from spec |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  const groups = new Map<string, Outcome[]>();
  for (const o of outcomes) {
    const key = `${o.entry.kind}\u0000${o.entry.eventType ?? o.entry.endpoint ?? '?'}`;
    groups.set(key, [...(groups.get(key) ?? []), o]);
  }
  for (const [key, group] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const [kind, name] = key.split('\u0000');
    const realness = [...new Set(group.map((o) => o.entry.realness))].join(', ');
    const delivered = group.filter((o) => o.result === 'delivered').length;
    const drifted = group.filter((o) => o.drift.length > 0).length;
    const spec = group.some((o) => o.spec) ? String(group.filter((o) => (o.spec?.length ?? 0) > 0).length) : 'n/a';
    push(`| ${kind} | ${code(name ?? '')} | ${group.length} | ${realness} | ${delivered} | ${drifted} | ${spec} |`);
  }
  push('', '## Where payloads differ from Terra’s spec, and the override that covers it', '');
  const tally = new Map<string, { files: string[]; override: string }>();
  for (const o of outcomes) {
    for (const issue of o.spec ?? []) {
      const key = `${o.entry.specModel} ${issue.path} ${issue.keyword}`;
      const override = o.entry.specDrift?.find((d) => d.path === issue.path && d.keyword === issue.keyword)?.override;
      const seen = tally.get(key) ?? { files: [], override: override ?? '**none**' };
      seen.files.push(o.entry.file);
      tally.set(key, seen);
    }
  }
  if (tally.size === 0) push('None.');
  else {
    push('| schema | path | keyword | files | override |', '| --- | --- | --- | --- | --- |');
    for (const [key, { files, override }] of [...tally].sort(([a], [b]) => a.localeCompare(b))) {
      const [model, path, keyword] = key.split(' ');
      push(`| ${model} | ${code(path ?? '')} | ${keyword} | ${files.map(code).join(', ')} | ${code(override)} |`);
    }
  }
  push('', '## SDK drift', '');
  const drifted = outcomes.filter((o) => o.drift.length > 0);
  if (drifted.length === 0) push('None: every file is delivered without drift against the SDK’s schemas.');
  for (const o of drifted) {
    push(`- ${code(o.entry.file)}: ${o.drift.map((d) => `${code(d.path)} ${d.code}`).join(', ')}`);
  }
  push('', '## File by file', '', '| file | realness | checked with | SDK | spec |', '| --- | --- | --- | --- | --- |');
  for (const o of outcomes) {
    const result =
      o.result === 'delivered'
        ? `${o.parsedAs ? `as ${code(o.parsedAs)}` : 'parses'}${o.drift.length ? `, ${o.drift.length} drift` : ''}`
        : o.result === 'failed'
          ? `**rejected**: ${o.issues.map((i) => `${code(i.path)} ${i.code}`).join(', ')}`
          : o.result === 'unknown-type'
            ? 'unknown event type'
            : 'no SDK call for this endpoint';
    const spec =
      o.spec === undefined
        ? 'n/a'
        : o.spec.length === 0
          ? 'matches'
          : o.spec.map((i) => `${code(i.path)} ${i.keyword}`).join(', ');
    push(`| ${code(o.entry.file)} | ${o.entry.realness} | ${code(o.checkedWith)} | ${result} | ${spec} |`);
  }
  push('');
  return lines.join('\n');
}

const outcomes = checkCorpus();
writeFileSync(join(CORPUS_DIR, 'DRIFT.md'), report(outcomes));
for (const o of outcomes) {
  const spec = o.spec === undefined ? '' : ` spec: ${o.spec.map((i) => `${i.path} ${i.keyword}`).join(', ') || 'ok'}`;
  const drift = o.drift.length ? ` drift: ${o.drift.map((d) => `${d.path} ${d.code}`).join(', ')}` : '';
  console.log(`${o.result.padEnd(12)} ${o.entry.file}${drift}${spec}`);
}
