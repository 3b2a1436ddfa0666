/**
 * `terra.labReports`: upload a lab report (a PDF or a photo of one), follow its processing, and read
 * the biomarkers Terra extracted. Results also arrive as `lab_report.completed` or
 * `lab_report.failed` webhooks.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { TerraAbortError, TerraInvalidArgumentError, TerraWaitTimeoutError } from '../errors.js';
import { calendarDay, checkRequestOptions, pathSegment, terraId } from '../internal/arguments.js';
import { EFFECT, type Requester } from '../internal/caller.js';
import type { RequestOptions } from '../internal/http.js';
import {
  abortSignal,
  lazy,
  milliseconds,
  optionsOf,
  parseArguments,
  renamedOption,
  text,
} from '../internal/options.js';
import { contentTypeOf, defaultFilename, readUploadFile, type UploadFile } from '../internal/upload.js';
import { poll } from '../internal/wait.js';
import {
  type LabReportDeliveriesResponse,
  LabReportDeliveriesResponseSchema,
  type LabReportFilesResponse,
  LabReportFilesResponseSchema,
  type LabReportListResponse,
  LabReportListResponseSchema,
  type LabReportSession,
  LabReportSessionSchema,
  type LabReportUploadResponse,
  LabReportUploadResponseSchema,
} from '../models/generated/index.js';
import type { Deleted, TerraApiResponse } from '../response.js';

export type { UploadFile };

/** Terra's limit on a lab-report file: 20 MB. Larger files are refused before anything is sent. */
export const LAB_REPORT_MAX_BYTES = 20 * 1024 * 1024;

/** The statuses a lab-report session does not leave: {@link LabReports.waitForResult} stops at them. */
export const LAB_REPORT_TERMINAL_STATUSES: readonly string[] = ['sent', 'failed', 'cancelled', 'deleted'];

/** Terra asks clients to poll a session no faster than every 5 seconds. */
export const LAB_REPORT_MIN_POLL_INTERVAL_MS = 5_000;

/** Options of {@link LabReports.upload}. */
export interface LabReportUploadOptions {
  /** Your id for the report or the patient; Terra returns it on the sessions and in the webhooks. */
  referenceId?: string | undefined;
  /** The file's name as Terra stores it. Default: the `File`'s or stream's name, else `lab-report.<ext>`. */
  filename?: string | undefined;
  /**
   * The file's content type (`application/pdf`, `image/png`, `image/jpeg`, `image/gif`,
   * `image/webp`). Default: the Blob's type, else read from the file's first bytes, else its name.
   */
  contentType?: string | undefined;
}

const uploadOptions = optionsOf<LabReportUploadOptions>()(() => ({
  referenceId: z.optional(text('referenceId')),
  filename: z.optional(text('filename')),
  contentType: z.optional(
    text('contentType').check(
      z.regex(/^[\w.+-]+\/[\w.+-]+$/, { error: 'contentType must be a media type such as application/pdf' }),
    ),
  ),
}));

/** Filters of {@link LabReports.list}; every date is `YYYY-MM-DD` and every range inclusive. */
export interface LabReportListFilters {
  /** Sessions uploaded with this reference id. */
  referenceId?: string | undefined;
  /** Sessions from this upload (one upload can hold several reports). */
  uploadId?: string | undefined;
  /** Reports dated on or after this day. */
  reportDateFrom?: string | undefined;
  /** Reports dated on or before this day (inclusive). */
  reportDateTo?: string | undefined;
  /** Reports uploaded on or after this day. */
  uploadedAtFrom?: string | undefined;
  /** Reports uploaded on or before this day (inclusive). */
  uploadedAtTo?: string | undefined;
}

const listFilters = optionsOf<LabReportListFilters>()(() => ({
  referenceId: z.optional(text('referenceId')),
  uploadId: z.optional(text('uploadId')),
  reportDateFrom: z.optional(calendarDay('reportDateFrom')),
  reportDateTo: z.optional(calendarDay('reportDateTo')),
  uploadedAtFrom: z.optional(calendarDay('uploadedAtFrom')),
  uploadedAtTo: z.optional(calendarDay('uploadedAtTo')),
})).check(
  z.superRefine((filters, ctx) => {
    for (const [from, to] of [
      ['reportDateFrom', 'reportDateTo'],
      ['uploadedAtFrom', 'uploadedAtTo'],
    ] as const) {
      const start = filters[from];
      const end = filters[to];
      if (start !== undefined && end !== undefined && end < start) {
        ctx.issues.push({ code: 'custom', path: [to], message: `${to} is before ${from}`, input: filters });
      }
    }
  }),
);

const pollIntervalMessage =
  `pollIntervalMs must be a number of milliseconds from ${LAB_REPORT_MIN_POLL_INTERVAL_MS} ` +
  '(Terra asks clients not to poll a session faster) to 3600000';
const pollInterval = lazy(() =>
  z.number({ error: pollIntervalMessage }).check(
    z.refine((ms) => Number.isFinite(ms) && ms >= LAB_REPORT_MIN_POLL_INTERVAL_MS && ms <= 3_600_000, {
      error: pollIntervalMessage,
    }),
  ),
);

/** Options of {@link LabReports.waitForResult}. */
export interface WaitForResultOptions {
  /** Time between two looks at the session, in milliseconds: at least 5,000 (Terra's floor), the default. */
  pollIntervalMs?: number | undefined;
  /** How long to wait in all, in milliseconds, before rejecting with `TerraWaitTimeoutError`. Default 10 minutes. */
  timeoutMs?: number | undefined;
  /**
   * The former name of {@link WaitForResultOptions.timeoutMs}.
   * @deprecated Use `timeoutMs`; `timeout` is removed in 0.3.
   */
  timeout?: number | undefined;
  /** Stops waiting (and any request under way); the call rejects with `TerraAbortError`. */
  signal?: AbortSignal | undefined;
}

/** How long `waitForResult` waits by default: 10 minutes. */
const DEFAULT_WAIT_MS = 600_000;

const waitOptions = optionsOf<WaitForResultOptions>()(() => ({
  pollIntervalMs: z._default(pollInterval, LAB_REPORT_MIN_POLL_INTERVAL_MS),
  timeoutMs: z.optional(milliseconds('timeoutMs')),
  timeout: z.optional(milliseconds('timeout')),
  signal: z.optional(abortSignal('signal')),
}));

const sessionIdSchema = lazy(() => terraId('sessionId'));
const sessionSegment = (sessionId: unknown) => pathSegment(sessionIdSchema, sessionId, 'sessionId');
const sessionPath = (sessionId: unknown, suffix = '') => `/lab-reports/${sessionSegment(sessionId)}${suffix}`;

/**
 * Lab reports (`terra.labReports`): upload a file, then read the session(s) Terra makes of it. A
 * session goes `processing` → `processed` → `standardizing` → `standardized` → `sending` → `sent`
 * (with `retry_scheduled` and `retrying` on the way when a delivery fails), or ends `failed`,
 * `cancelled` or `deleted`.
 *
 * Session ids are strings (snowflakes above 2^53).
 *
 * @example
 * ```ts
 * const upload = await terra.labReports.upload(pdfBytes, { referenceId: 'patient-456' });
 * const { upload_id } = upload.getParsedResponse(); // 202 Accepted
 * const { sessions } = (await terra.labReports.list({ uploadId: upload_id })).getParsedResponse();
 * ```
 */
export class LabReports {
  readonly #caller: Requester;

  /** @internal Made by the client: use `terra.labReports`. */
  constructor(caller: Requester) {
    this.#caller = caller;
  }

  /**
   * Uploads one lab report (`POST /lab-reports`, multipart with one part named `file`; answered 202):
   * a PDF, PNG, JPEG, GIF or WebP of at most 20 MB. Terra processes it in the background: one upload
   * can hold several reports, each becoming a session; find them with `list({ uploadId })` or from
   * the `lab_report.completed` webhook. Never retried (it is a POST).
   *
   * @param file a `Blob` or `File`, bytes (`Uint8Array`, `Buffer`), or a readable stream (a Web
   *   `ReadableStream`, or a Node `Readable` such as `fs.createReadStream(path)`). A stream is read
   *   into memory, at most 20 MB, before sending.
   * @throws {@link TerraInvalidArgumentError} for an empty file or one over 20 MB, before any request.
   * @throws {@link TerraForbiddenError} (403) when lab reports are not enabled for your account.
   * @throws {@link TerraPayloadTooLargeError} (413) or {@link TerraBadRequestError} (400) when Terra refuses the file.
   */
  async upload(
    file: UploadFile,
    options: LabReportUploadOptions = {},
    request?: RequestOptions,
  ): Promise<TerraApiResponse<LabReportUploadResponse>> {
    const given = parseArguments(uploadOptions, options, 'labReports.upload options');
    const read = await readUploadFile(file, 'file', LAB_REPORT_MAX_BYTES);
    const contentType = contentTypeOf(read, given.contentType, given.filename ?? read.declaredName);
    const filename = given.filename ?? read.declaredName ?? defaultFilename('lab-report', contentType);
    const form = new FormData();
    form.append('file', new Blob([read.bytes], { type: contentType }), filename);
    const errorHints = {
      403: 'Lab reports are not enabled for this account: ask Terra to enable them',
      413: 'The file is over Terra’s 20 MB limit for lab reports',
    };
    return this.#caller.call(
      'lab_report_upload',
      { method: 'POST', path: '/lab-reports', query: { reference_id: given.referenceId }, form, errorHints },
      request,
      LabReportUploadResponseSchema,
      EFFECT,
    );
  }

  /**
   * Your lab-report sessions, filtered (`GET /lab-reports`). Items carry no `results` or `panels`:
   * read a session with {@link LabReports.get} for those. Terra returns at most 500; narrow with the
   * date filters (all inclusive).
   */
  async list(
    filters: LabReportListFilters = {},
    request?: RequestOptions,
  ): Promise<TerraApiResponse<LabReportListResponse>> {
    const given = parseArguments(listFilters, filters, 'labReports.list filters');
    const query = {
      reference_id: given.referenceId,
      upload_id: given.uploadId,
      report_date_from: given.reportDateFrom,
      report_date_to: given.reportDateTo,
      uploaded_at_from: given.uploadedAtFrom,
      uploaded_at_to: given.uploadedAtTo,
    };
    return this.#caller.call(
      'lab_reports',
      { method: 'GET', path: '/lab-reports', query },
      request,
      LabReportListResponseSchema,
    );
  }

  /**
   * One session, with its results, panels and status history (`GET /lab-reports/{session_id}`).
   * Once in a terminal status (`sent`, `failed`, `cancelled`, `deleted`) it no longer changes.
   *
   * @throws {@link TerraNotFoundError} when there is no session with this id.
   */
  async get(sessionId: string, request?: RequestOptions): Promise<TerraApiResponse<LabReportSession>> {
    return this.#caller.call(
      'lab_report',
      { method: 'GET', path: sessionPath(sessionId) },
      request,
      LabReportSessionSchema,
    );
  }

  /**
   * Deletes a session (`DELETE /lab-reports/{session_id}`, answered 204). Terra marks it `deleted` at
   * once and removes its files in the background.
   *
   * @throws {@link TerraNotFoundError} when there is no session with this id.
   */
  async delete(sessionId: string, request?: RequestOptions): Promise<TerraApiResponse<Deleted>> {
    return this.#caller.call(
      'lab_report',
      { method: 'DELETE', path: sessionPath(sessionId) },
      request,
      () => ({ kind: 'Deleted' }),
      EFFECT,
    );
  }

  /**
   * Where the session's results were delivered, one entry per destination
   * (`GET /lab-reports/{session_id}/deliveries`): `pending`, `delivered` or `failed`, with attempts.
   */
  async deliveries(
    sessionId: string,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<LabReportDeliveriesResponse>> {
    return this.#caller.call(
      'lab_report_deliveries',
      { method: 'GET', path: sessionPath(sessionId, '/deliveries') },
      request,
      LabReportDeliveriesResponseSchema,
    );
  }

  /**
   * The uploaded files and a thumbnail, each with a signed download link
   * (`GET /lab-reports/{session_id}/files`). The links expire at `expires_at`: download at once, or
   * call again for fresh ones. Never log them.
   */
  async files(sessionId: string, request?: RequestOptions): Promise<TerraApiResponse<LabReportFilesResponse>> {
    return this.#caller.call(
      'lab_report_files',
      { method: 'GET', path: sessionPath(sessionId, '/files') },
      request,
      LabReportFilesResponseSchema,
    );
  }

  /**
   * Looks at a session every `pollIntervalMs` (at least 5 s, Terra's floor) until it reaches a
   * terminal status (`sent`, `failed`, `cancelled`, `deleted`), and resolves with that last answer:
   * check `current_status`, a `failed` report is a result too. A webhook
   * (`lab_report.completed` / `lab_report.failed`) tells the same without polling.
   *
   * @example
   * ```ts
   * const done = await terra.labReports.waitForResult(sessionId, { signal: AbortSignal.timeout(900_000) });
   * const session = done.getParsedResponse();
   * if (session.current_status === 'sent') console.log(`${session.results?.length ?? 0} results`);
   * ```
   * @throws {@link TerraWaitTimeoutError} when `timeoutMs` (default 10 minutes) passes first.
   * @throws {@link TerraAbortError} when `signal` fires.
   * @throws {@link TerraNotFoundError} when there is no session with this id.
   */
  async waitForResult(
    sessionId: string,
    options: WaitForResultOptions = {},
    request?: RequestOptions,
  ): Promise<TerraApiResponse<LabReportSession>> {
    const path = sessionPath(sessionId);
    const waitFor = parseArguments(waitOptions, options, 'waitForResult options');
    const { pollIntervalMs, signal: waitSignal } = waitFor;
    const renamed = renamedOption<number>(waitFor, 'timeoutMs', 'timeout');
    if (renamed.conflict !== undefined) throw new TerraInvalidArgumentError('timeoutMs', renamed.conflict);
    const timeout = renamed.value ?? DEFAULT_WAIT_MS;
    const checked = checkRequestOptions(request);
    if (waitSignal !== undefined && checked.signal !== undefined) {
      throw new TerraInvalidArgumentError('signal', 'pass signal once: in the wait options, or in the request options');
    }
    const signal = waitSignal ?? checked.signal;
    const each: RequestOptions = { ...checked, signal };
    let status = '';
    return poll(
      async () => {
        const response = await this.get(sessionId, each);
        status = response.getParsedResponse().current_status;
        return LAB_REPORT_TERMINAL_STATUSES.includes(status) ? response : undefined;
      },
      {
        intervalMs: pollIntervalMs,
        maxWaitMs: timeout,
        signal,
        aborted: () => new TerraAbortError('GET', path),
        timedOut: () => new TerraWaitTimeoutError(`Lab-report session ${sessionSegment(sessionId)}`, status, timeout),
      },
    );
  }
}
