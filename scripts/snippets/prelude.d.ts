/**
 * What the documentation's TypeScript blocks assume without showing it, declared once with natural
 * signatures (scripts/check-snippets.ts type-checks every block against these). A snippet that passes
 * a value which may be `undefined` where a helper takes a plain type must show the check.
 */
import type { Activity, Body, TerraUser, User, WorkoutTemplate } from 'terra-sdk';
import type { WebhookDelivery, WebhookHandler } from 'terra-sdk/webhooks';

declare global {
  /** The client, made once at startup: `new Terra()`. */
  const terra: Terra;
  /** A user bound to the client (`await terra.fromUserId(userId)`). */
  const user: User;
  /** A Terra user id. */
  const userId: string;
  /** A workout template you defined (sport, blocks of steps, targets). */
  const template: WorkoutTemplate;
  /** Terra's id of a workout template, as the string Terra returned. */
  const workoutId: string;
  /** Terra's id of a lab-report session, as the string Terra returned. */
  const sessionId: string;
  /** A body measurement to write (a weigh-in). */
  const weighIn: Body;
  /** The webhook signing secret of your Terra destination. */
  const secret: string;
  /** A webhook request's body, exactly as received. */
  const rawBody: string;
  /** A JSON body, as text. */
  const body: string;
  /** A webhook request's headers. */
  const headers: Headers;
  /** A webhook request (fetch handlers, Next.js, Hono, Bun, Deno, Workers). */
  const request: Request;
  /** A webhook handler made with `createWebhookHandler`. */
  const handler: WebhookHandler;

  /** Sends the person's browser to `url`. */
  function redirect(url: string): void;
  /** Waits `seconds` seconds. */
  function wait(seconds: number): Promise<void>;
  /** Whether a delivery with this trace id was already processed. */
  function alreadyProcessed(traceId: string): Promise<boolean>;
  /** Stores a record under an id. */
  function save(id: string, record: unknown): Promise<void>;
  /** Stores an activity of one connection, with the delivery it came in. */
  function saveActivity(userId: string, activity: Activity, delivery: WebhookDelivery): Promise<void>;
  /** Records a new connection. */
  function connect(user: TerraUser): Promise<void>;
  /** Tells the person their connection failed. */
  function reportFailure(reason: string): Promise<void>;
  /** Marks a connection attempt as failed. */
  function markFailed(referenceId: string, reason: string): Promise<void>;
  /** Moves a person's records from an old Terra user id to a new one. */
  function rekey(oldUserId: string, newUserId: string): Promise<void>;
  /** Your logger. */
  const log: Pick<Console, 'info' | 'warn' | 'error'>;
  /** Any JSON value received from Terra. */
  const payload: unknown;
  /** A connection (a TerraUser) of one of your users. */
  const person: TerraUser;

  // In the testing guide: your own code under test, and its storage.
  /** Your import of a user's sleep between two dates. */
  function importSleep(client: Terra, userId: string, startDate: string, endDate: string): Promise<void>;
  /** Your database. */
  const db: { sleeps: { count(): Promise<number> } };
  /** Your connections table. */
  const connections: { get(terraUserId: string): Promise<unknown> };

  type Terra = import('terra-sdk').Terra;
}
