/** The part of autocannon's programmatic API the bench uses (the package ships no types). */
declare module 'autocannon' {
  interface Histogram {
    average: number;
    total: number;
    p50: number;
    p99: number;
  }
  interface Options {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    connections?: number;
    duration?: number;
    /** Requests sent in turn; `setupRequest` may change each one before it is sent. */
    requests?: {
      method?: string;
      body?: string | Buffer;
      headers?: Record<string, string>;
      setupRequest?: (request: { headers: Record<string, string> } & Record<string, unknown>) => object;
    }[];
  }
  interface Result {
    requests: Histogram;
    latency: Histogram;
    non2xx: number;
    errors: number;
    timeouts: number;
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
