/**
 * The emulator's lab reports: multipart uploads (202), sessions that move through Terra's statuses on
 * the emulator's clock (`processing` → ... → `sent`, or `failed`), soft deletes (204), deliveries and
 * files, and signed `lab_report.completed` / `lab_report.failed` webhooks when a session ends.
 * @internal
 * @packageDocumentation
 */

import { DAY_MS } from '../../internal/dates.js';
import type {
  LabReportDelivery,
  LabReportEventResult,
  LabReportSession,
  LabReportStatusEntry,
} from '../../models/index.js';
import { LAB_PANELS, labResults } from '../fixtures/index.js';
import { Random } from '../random.js';
import { type EmulatorContext, isoTime, MAX_STORED, type Route, snowflakeId } from './context.js';
import { isCalendarDate, noContent, ok, problem } from './http.js';

/** The statuses a readable report goes through, one `stepMs` apart. */
const LIFECYCLE = ['processing', 'processed', 'standardizing', 'standardized', 'sending', 'sent'] as const;

/** Terra's limit on a lab-report file. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** Files smaller than this are read as unreadable: their session fails (`unreadable_document`). */
export const UNREADABLE_BELOW_BYTES = 1024;

const ACCEPTED_TYPES = new Set(['application/pdf', 'image/png', 'image/jpeg', 'image/gif', 'image/webp']);

interface Session {
  session_id: string;
  upload_id: string;
  reference_id: string | undefined;
  uploadedAt: number;
  filename: string;
  bytes: number;
  readable: boolean;
  /** When it was deleted, if it was. */
  deletedAt: number | undefined;
  /** Whether its final webhook was sent. */
  announced: boolean;
  seed: number;
}

export class LabReportsEmulator {
  readonly #ctx: EmulatorContext;
  readonly #enabled: boolean;
  readonly #stepMs: number;
  readonly #sessions = new Map<string, Session>();

  constructor(ctx: EmulatorContext, options: { enabled: boolean; stepMs: number }) {
    this.#ctx = ctx;
    this.#enabled = options.enabled;
    this.#stepMs = options.stepMs;
  }

  /** Answers a lab-report request, or `undefined` when the path is not one. */
  route(route: Route): Promise<Response> | Response | undefined {
    const { method, segments } = route;
    const [area, id, sub, ...rest] = segments;
    if (area !== 'lab-reports' || rest.length > 0) return undefined;
    if (id === undefined) {
      if (method === 'POST') return this.#upload(route);
      if (method === 'GET') return this.#list(route);
      return undefined;
    }
    const session = this.#sessions.get(id);
    if (sub === undefined && method !== 'GET' && method !== 'DELETE') return undefined;
    if (sub !== undefined && (method !== 'GET' || (sub !== 'deliveries' && sub !== 'files'))) return undefined;
    if (!/^\d+$/.test(id)) return problem(400, 'bad request', route.instance, 'session_id must be a snowflake id');
    if (!session) return problem(404, 'not found', route.instance, 'lab report session not found');
    if (sub === 'deliveries') return ok({ deliveries: [this.#delivery(session)] });
    if (sub === 'files') return this.#files(session);
    if (method === 'DELETE') {
      session.deletedAt ??= this.#ctx.now();
      return noContent();
    }
    return ok(this.#session(session, true));
  }

  /** Sends the webhook of every session that reached its end by now. */
  tick(): void {
    for (const session of this.#sessions.values()) {
      if (session.announced || session.deletedAt !== undefined) continue;
      const status = this.#status(session);
      if (status !== 'sent' && status !== 'failed') continue;
      session.announced = true;
      this.#announce(session);
    }
  }

  async #upload({ request, query, instance }: Route): Promise<Response> {
    if (!this.#enabled) return problem(403, 'forbidden', instance, 'lab reports are not enabled for this account');
    const declared = Number(request.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > MAX_FILE_BYTES + 64 * 1024) {
      return problem(413, 'payload too large', instance, 'the file is larger than 20 MB');
    }
    if (!/^multipart\/form-data/i.test(request.headers.get('content-type') ?? '')) {
      return problem(400, 'bad request', instance, 'the body must be multipart/form-data with a part named file');
    }
    let form: FormData;
    try {
      form = await request.formData();
    } catch {
      return problem(400, 'bad request', instance, 'the multipart body could not be read');
    }
    const file = form.get('file');
    if (!(file instanceof Blob)) return problem(400, 'bad request', instance, 'a part named file is required');
    if (file.size > MAX_FILE_BYTES) return problem(400, 'bad request', instance, 'the file is larger than 20 MB');
    const type = file.type.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!ACCEPTED_TYPES.has(type)) {
      return problem(400, 'bad request', instance, 'the file must be a PDF, PNG, JPEG, GIF or WebP');
    }
    if (this.#sessions.size >= MAX_STORED) {
      // The oldest session makes room: the emulator never grows without bound.
      const oldest = this.#sessions.keys().next().value;
      if (oldest !== undefined) this.#sessions.delete(oldest);
    }
    const referenceId = query.get('reference_id') ?? undefined;
    const session: Session = {
      session_id: snowflakeId(this.#ctx.random),
      upload_id: this.#ctx.random.uuid(),
      reference_id: referenceId === '' ? undefined : referenceId,
      uploadedAt: this.#ctx.now(),
      filename: (file as { name?: string }).name || 'upload',
      bytes: file.size,
      readable: file.size >= UNREADABLE_BELOW_BYTES,
      deletedAt: undefined,
      announced: false,
      seed: this.#ctx.random.int(0, 2 ** 31),
    };
    this.#sessions.set(session.session_id, session);
    return ok({ upload_id: session.upload_id, current_status: 'processing' }, {}, 202);
  }

  #list({ query, instance }: Route): Response {
    const dates: Record<string, string | null> = {};
    for (const key of ['report_date_from', 'report_date_to', 'uploaded_at_from', 'uploaded_at_to']) {
      const value = query.get(key);
      if (value !== null && !isCalendarDate(value)) {
        return problem(400, 'bad request', instance, `${key} must be a YYYY-MM-DD date`);
      }
      dates[key] = value;
    }
    const within = (day: string | undefined, from: string | null, to: string | null) =>
      (from === null || (day !== undefined && day >= from)) && (to === null || (day !== undefined && day <= to));
    const sessions = [...this.#sessions.values()]
      .filter((s) => s.deletedAt === undefined)
      .filter((s) => !query.has('reference_id') || s.reference_id === query.get('reference_id'))
      .filter((s) => !query.has('upload_id') || s.upload_id === query.get('upload_id'))
      .map((s) => this.#session(s, false))
      .filter((s) => within(s.report_date, dates.report_date_from ?? null, dates.report_date_to ?? null))
      .filter((s) => within(s.uploaded_at?.slice(0, 10), dates.uploaded_at_from ?? null, dates.uploaded_at_to ?? null))
      .slice(0, 500);
    return ok({ sessions });
  }

  /** The session's status now: a step of the lifecycle, `failed`, or `deleted`. */
  #status(session: Session): string {
    if (session.deletedAt !== undefined) return 'deleted';
    const steps = Math.floor((this.#ctx.now() - session.uploadedAt) / this.#stepMs);
    if (!session.readable) return steps >= 1 ? 'failed' : 'processing';
    return LIFECYCLE[Math.min(Math.max(steps, 0), LIFECYCLE.length - 1)] as string;
  }

  #history(session: Session): LabReportStatusEntry[] {
    const status = this.#status(session);
    const at = (step: number) => isoTime(session.uploadedAt + step * this.#stepMs);
    const entries: LabReportStatusEntry[] = [{ status: 'processing', timestamp: at(0) }];
    if (!session.readable) {
      if (status === 'failed' || (status === 'deleted' && this.#reached(session, 1))) {
        entries.push({ status: 'failed', timestamp: at(1), note: 'no lab results could be read from the file' });
      }
    } else {
      for (let step = 1; step < LIFECYCLE.length && this.#reached(session, step); step++) {
        entries.push({ status: LIFECYCLE[step] as string, timestamp: at(step) });
      }
    }
    if (session.deletedAt !== undefined) entries.push({ status: 'deleted', timestamp: isoTime(session.deletedAt) });
    return entries;
  }

  /** Whether the session had reached lifecycle step `step` (before any delete). */
  #reached(session: Session, step: number): boolean {
    const until = session.deletedAt ?? this.#ctx.now();
    return until - session.uploadedAt >= step * this.#stepMs;
  }

  /** What Terra read from the report: the same for a session every time. */
  #content(session: Session): { date: string; results: LabReportEventResult[] } {
    const date = isoTime(session.uploadedAt - 2 * DAY_MS).slice(0, 10);
    return { date, results: labResults(new Random(session.seed), date) };
  }

  #session(session: Session, full: boolean): LabReportSession {
    const status = this.#status(session);
    const history = this.#history(session);
    const processed = session.readable && this.#reached(session, 1);
    const base: LabReportSession = {
      session_id: session.session_id,
      upload_id: session.upload_id,
      ...(session.reference_id ? { reference_id: session.reference_id } : {}),
      report_type: 'lab',
      current_status: status,
      uploaded_at: isoTime(session.uploadedAt),
      updated_at: history.at(-1)?.timestamp ?? isoTime(session.uploadedAt),
      input_bytes: session.bytes,
      file_count: 1,
      status_history: history,
    };
    if (!processed) return base;
    const { date, results } = this.#content(session);
    return {
      ...base,
      report_date: date,
      report_time: '08:15',
      collection_date: date,
      collection_time: '08:15',
      report_locale: 'en-GB',
      lab_name: 'Sandbox Pathology',
      results_count: results.length,
      ...(full ? { results, panels: LAB_PANELS.map((panel) => ({ ...panel })) } : {}),
    };
  }

  #delivery(session: Session): LabReportDelivery {
    const delivered = session.readable && (session.announced || this.#status(session) === 'sent');
    const failed = !session.readable && this.#reached(session, 1);
    return {
      destination_id: 'sandbox-webhook',
      destination_type: 'webhook',
      status: delivered ? 'delivered' : failed ? 'failed' : 'pending',
      attempt_count: delivered || failed ? 1 : 0,
      ...(failed ? { last_error: 'no results to deliver: the report could not be read' } : {}),
    };
  }

  #files(session: Session): Response {
    const expires = this.#ctx.now() + 15 * 60_000;
    const signed = (name: string) =>
      `https://terra-sandbox-lab-reports.s3.eu-west-2.amazonaws.com/${session.session_id}/${encodeURIComponent(name)}` +
      `?X-Amz-Expires=900&X-Amz-Signature=${this.#ctx.random.uuid().replace(/-/g, '')}`;
    return ok({
      files: [{ filename: session.filename, presigned_url: signed(session.filename) }],
      thumbnail: { filename: 'thumbnail.png', presigned_url: signed('thumbnail.png') },
      expires_at: isoTime(expires),
    });
  }

  /** `lab_report.completed` or `lab_report.failed`, with the session id as `terra-reference`. */
  #announce(session: Session): void {
    const common = {
      // The dedupe key of lab-report events: new on every run, like trace ids (a receiver that recorded
      // an earlier run of a sandbox with the same seed must not drop this one).
      event_id: globalThis.crypto.randomUUID(),
      occurred_at: isoTime(this.#ctx.now()),
      upload_id: session.upload_id,
    };
    const reference = session.reference_id ? { reference_id: session.reference_id } : {};
    if (!session.readable) {
      this.#ctx.emit(
        {
          type: 'lab_report.failed',
          ...common,
          data: {
            session_id: session.session_id,
            ...reference,
            error: {
              code: 'unreadable_document',
              message: 'No lab results could be read from the file',
              retriable: false,
            },
          },
        },
        session.session_id,
      );
      return;
    }
    const { date, results } = this.#content(session);
    this.#ctx.emit(
      {
        type: 'lab_report.completed',
        ...common,
        data: {
          session_id: session.session_id,
          ...reference,
          report_date: date,
          report_time: '08:15',
          report_locale: 'en-GB',
          results_count: results.length,
          results,
          panels: LAB_PANELS.map((panel) => ({ ...panel })),
        },
      },
      session.session_id,
    );
  }
}
