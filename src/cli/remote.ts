/**
 * Talking to a server named on the command line (`trigger --url`, `sandbox ... --url`): credentials
 * in the URL are sent as Basic auth and never printed, and answers are read only as far as shown.
 * @internal
 * @packageDocumentation
 */

/** The URL to send to, without its user and password, which go in an `Authorization: Basic` header. */
export function withoutCredentials(url: URL): { target: string; authorization: string | undefined } {
  if (url.username === '' && url.password === '') return { target: url.href, authorization: undefined };
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const target = new URL(url.href);
  target.username = '';
  target.password = '';
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  return { target: target.href, authorization: `Basic ${btoa(String.fromCharCode(...bytes))}` };
}

/** The start of an answer's body, reading no more than needed to show `chars` characters. */
export async function bodyStart(response: Response, chars: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const decoder = new TextDecoder();
  let text = '';
  try {
    // A character is at most 4 bytes: this many bytes always hold `chars` characters.
    for (let read = 0; read < chars * 4; ) {
      const { done, value } = await reader.read();
      if (done) break;
      read += value.byteLength;
      text += decoder.decode(value, { stream: true });
      if (text.length >= chars) break;
    }
  } catch {
    // The answer broke off: show what arrived.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return text.slice(0, chars);
}
