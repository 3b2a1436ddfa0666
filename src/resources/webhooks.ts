/**
 * The client's webhook checks (terra-python's `handle_webhook` and `check_terra_signature`): the
 * webhooks module's verification with the client's `secret`.
 *
 * @packageDocumentation
 */
import { optionsOf, parseArguments } from '../internal/options.js';
import { isWebRequest } from '../internal/web-request.js';
import type { RawBody } from '../webhooks/bytes.js';
import { checkTerraSignature, type TerraWebhookResponse, verifyWebhook } from '../webhooks/delivery.js';
import { type SignatureHeaderInput, type VerifyOptions, verifySettingsShape } from '../webhooks/signature/verify.js';

/** Options of {@link Terra.handleWebhook} and {@link Terra.checkTerraSignature}; the secret is the client's. */
export type WebhookVerifyOptions = Omit<VerifyOptions, 'secret'>;

const webhookVerifyOptions = optionsOf<WebhookVerifyOptions>()(verifySettingsShape);

/** Verification bound to the client's secrets. @internal */
export class WebhookChecks {
  readonly #secrets: readonly string[] | undefined;

  constructor(secrets: readonly string[] | undefined) {
    this.#secrets = secrets;
  }

  /** {@link Terra.handleWebhook}: a Web `Request`, or a raw body and its signature. */
  async handle(
    body: Request | RawBody,
    signatureOrOptions?: SignatureHeaderInput | WebhookVerifyOptions,
    options?: WebhookVerifyOptions,
  ): Promise<TerraWebhookResponse> {
    if (isWebRequest(body)) return verifyWebhook(body, this.#verifyOptions(signatureOrOptions));
    return verifyWebhook(body, signatureOrOptions as SignatureHeaderInput, this.#verifyOptions(options));
  }

  /** {@link Terra.checkTerraSignature}. */
  async check(rawBody: RawBody, signature: SignatureHeaderInput, options?: WebhookVerifyOptions): Promise<boolean> {
    return checkTerraSignature(rawBody, signature, this.#verifyOptions(options));
  }

  /** The caller's verify options, checked, with the client's secret. */
  #verifyOptions(options: unknown): VerifyOptions {
    return { ...parseArguments(webhookVerifyOptions, options, 'webhook options'), secret: this.#secrets };
  }
}
