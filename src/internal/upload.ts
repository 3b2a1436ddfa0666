/**
 * Files to upload as a multipart part: read from a Blob, bytes, a Web `ReadableStream` or any async
 * iterable of bytes (a Node `Readable`, without importing Node), up to a size limit, with a content
 * type and a filename. Streams are read into memory within the limit, so a file too large is
 * refused before anything is sent, and nothing is read without bound.
 * @internal
 * @packageDocumentation
 */
import { TerraInvalidArgumentError } from '../errors.js';

/**
 * A file to upload: a `Blob` (or `File`), bytes (`Uint8Array`, Node's `Buffer`, `ArrayBuffer`), a
 * Web `ReadableStream` of bytes, or an async iterable of bytes (a Node `Readable` such as
 * `fs.createReadStream(path)`).
 */
export type UploadFile = Blob | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** A file read and described, ready to be a multipart part. */
export interface ReadFile {
  bytes: Uint8Array<ArrayBuffer>;
  /** The content type the file declares (a Blob's `type`), if any. */
  declaredType: string | undefined;
  /** The name the file carries (a `File`'s `name`), if any. */
  declaredName: string | undefined;
}

const tooLarge = (name: string, maxBytes: number) =>
  new TerraInvalidArgumentError(
    name,
    `${name} is larger than ${maxBytes / (1024 * 1024)} MiB, over Terra's limit for this upload; send a smaller file`,
  );

function copy(chunks: Uint8Array[], length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/** Collects chunks up to `maxBytes`; a chunk that is not bytes, or one byte too many, is refused. */
async function collect(
  chunks: AsyncIterable<unknown>,
  name: string,
  maxBytes: number,
  cancel: () => void,
): Promise<Uint8Array<ArrayBuffer>> {
  const parts: Uint8Array[] = [];
  let length = 0;
  try {
    for await (const chunk of chunks) {
      if (!(chunk instanceof Uint8Array)) {
        throw new TerraInvalidArgumentError(
          name,
          `${name} must stream bytes (Uint8Array or Buffer chunks), not text: open it without an encoding`,
        );
      }
      length += chunk.length;
      if (length > maxBytes) throw tooLarge(name, maxBytes);
      parts.push(chunk);
    }
  } catch (error) {
    cancel();
    if (error instanceof TerraInvalidArgumentError) throw error;
    // The stream's own error may name a file path: only its code is kept.
    const code = (error as { code?: unknown } | null)?.code;
    throw new TerraInvalidArgumentError(
      name,
      `${name} could not be read${typeof code === 'string' ? ` (${code})` : ''}: the stream failed`,
    );
  }
  return copy(parts, length);
}

async function* readerChunks(stream: ReadableStream<unknown>): AsyncGenerator<unknown> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

const isObject = (value: unknown): value is Record<PropertyKey, unknown> =>
  (typeof value === 'object' || typeof value === 'function') && value !== null;

/**
 * Reads a file to upload, at most `maxBytes`.
 * @throws {@link TerraInvalidArgumentError} for something that is not a file, an empty file, a file
 *   over the limit, or a stream that fails or yields text.
 */
export async function readUploadFile(file: unknown, name: string, maxBytes: number): Promise<ReadFile> {
  let read: ReadFile;
  if (typeof Blob !== 'undefined' && file instanceof Blob) {
    if (file.size > maxBytes) throw tooLarge(name, maxBytes);
    const fileName = (file as { name?: unknown }).name;
    read = {
      bytes: new Uint8Array(await file.arrayBuffer()),
      declaredType: file.type === '' ? undefined : file.type,
      declaredName: typeof fileName === 'string' && fileName !== '' ? fileName : undefined,
    };
  } else if (file instanceof Uint8Array || file instanceof ArrayBuffer) {
    if (file.byteLength > maxBytes) throw tooLarge(name, maxBytes);
    const bytes = file instanceof ArrayBuffer ? new Uint8Array(file) : file;
    read = { bytes: copy([bytes], bytes.length), declaredType: undefined, declaredName: undefined };
  } else if (isObject(file) && typeof file.getReader === 'function') {
    const stream = file as unknown as ReadableStream<unknown>;
    const bytes = await collect(readerChunks(stream), name, maxBytes, () => {
      void stream.cancel().catch(() => undefined);
    });
    read = { bytes, declaredType: undefined, declaredName: undefined };
  } else if (isObject(file) && typeof file[Symbol.asyncIterator] === 'function') {
    const iterable = file as unknown as AsyncIterable<unknown>;
    const destroy = (file as { destroy?: unknown }).destroy;
    const bytes = await collect(iterable, name, maxBytes, () => {
      if (typeof destroy === 'function') destroy.call(file);
    });
    const path = (file as { path?: unknown }).path;
    const base = typeof path === 'string' ? path.split(/[\\/]/).pop() : undefined;
    read = { bytes, declaredType: undefined, declaredName: base === '' ? undefined : base };
  } else {
    throw new TerraInvalidArgumentError(
      name,
      `${name} must be a Blob or File, bytes (Uint8Array, Buffer, ArrayBuffer) or a readable stream`,
    );
  }
  if (read.bytes.length === 0) throw new TerraInvalidArgumentError(name, `${name} is empty`);
  return read;
}

/** Content types by the first bytes of the file, for the formats Terra reads. */
const SIGNATURES: [type: string, matches: (b: Uint8Array) => boolean][] = [
  ['application/pdf', (b) => b[0] === 0x25 && b[1] === 0x50 && b[2] === 0x44 && b[3] === 0x46], // %PDF
  ['image/png', (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47], // .PNG
  ['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['image/gif', (b) => b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38], // GIF8
  // RIFF....WEBP
  [
    'image/webp',
    (b) =>
      b[0] === 0x52 &&
      b[1] === 0x49 &&
      b[2] === 0x46 &&
      b[3] === 0x46 &&
      b[8] === 0x57 &&
      b[9] === 0x45 &&
      b[10] === 0x42 &&
      b[11] === 0x50,
  ],
];

const EXTENSIONS: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

/**
 * The content type of a file: the one given, else the one it declares, else what its first bytes
 * say, else its name's extension, else `application/octet-stream`.
 */
export function contentTypeOf(file: ReadFile, given: string | undefined, filename: string | undefined): string {
  if (given !== undefined) return given;
  if (file.declaredType !== undefined) return file.declaredType;
  const sniffed = SIGNATURES.find(([, matches]) => matches(file.bytes))?.[0];
  if (sniffed) return sniffed;
  const extension = filename?.toLowerCase().split('.').pop();
  return (extension && EXTENSIONS[extension]) || 'application/octet-stream';
}

/** A filename for a file that has none: `lab-report.pdf` and the like. */
export function defaultFilename(base: string, contentType: string): string {
  const extension = Object.entries(EXTENSIONS).find(([ext, type]) => type === contentType && ext !== 'jpeg')?.[0];
  return extension ? `${base}.${extension}` : base;
}
