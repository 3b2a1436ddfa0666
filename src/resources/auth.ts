/**
 * `terra.auth`: connecting people to Terra. The providers on offer, a direct link to one provider,
 * a session of Terra's hosted widget, and tokens for Terra's mobile SDKs.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { EFFECT, type Requester } from '../internal/caller.js';
import type { RequestOptions } from '../internal/http.js';
import { flag, lazy, optionsOf, parseArguments, text, url } from '../internal/options.js';
import {
  type AuthToken,
  AuthTokenSchema,
  type IntegrationsResponse,
  IntegrationsResponseSchema,
  type ProvidersResponse,
  ProvidersResponseSchema,
  type UserAuthUrl,
  UserAuthUrlSchema,
  type WidgetSession,
  WidgetSessionSchema,
} from '../models/index.js';
import type { TerraApiResponse } from '../response.js';

/** Options of {@link Terra.generateAuthenticationUrl}. */
export interface AuthenticationUrlOptions {
  /** The provider to connect, as Terra names it (`FITBIT`, `GARMIN`, `OURA`, ...). */
  resource: string;
  /** Your id for the person connecting; Terra returns it on the user and in every event. */
  referenceId?: string | undefined;
  /** Where to send the person after a successful connection. */
  authSuccessRedirectUrl?: string | undefined;
  /** Where to send the person if the connection fails. */
  authFailureRedirectUrl?: string | undefined;
  /** Language of Terra's pages (`en`, `fr`, ...). */
  language?: string | undefined;
}

/** Options of {@link Terra.generateWidgetSession}. */
export interface WidgetSessionOptions {
  /** Providers to offer; default: those enabled on your dashboard. */
  providers?: readonly string[] | undefined;
  /** Your id for the person connecting. */
  referenceId?: string | undefined;
  /** Where to send the person after a successful connection. */
  authSuccessRedirectUrl?: string | undefined;
  /** Where to send the person if the connection fails. */
  authFailureRedirectUrl?: string | undefined;
  /** Language of the widget (`en`, `fr`, ...). */
  language?: string | undefined;
}

/** Terra's name for the integrations response with details. */
export type DetailedProvidersResponse = IntegrationsResponse;

const redirectUrl = (name: string) =>
  z.optional(url(name, 'any', 'https://app.example/connected or yourapp://connected'));

const authenticationUrlOptions = optionsOf<AuthenticationUrlOptions>()(() => ({
  resource: text('resource'),
  referenceId: z.optional(text('referenceId')),
  authSuccessRedirectUrl: redirectUrl('authSuccessRedirectUrl'),
  authFailureRedirectUrl: redirectUrl('authFailureRedirectUrl'),
  language: z.optional(text('language')),
}));

const providerList = lazy(() =>
  z.pipe(
    z.array(
      text('providers[]').check(
        z.refine((name) => !name.includes(','), { error: 'a provider name cannot contain a comma' }),
      ),
      { error: 'providers must be an array of provider names' },
    ),
    // Terra takes one comma-separated string; an empty list means the dashboard's selection.
    z.transform((names) => (names.length > 0 ? names.join(',') : undefined)),
  ),
);

const widgetSessionOptions = optionsOf<WidgetSessionOptions>()(() => ({
  providers: z.optional(providerList),
  referenceId: z.optional(text('referenceId')),
  authSuccessRedirectUrl: redirectUrl('authSuccessRedirectUrl'),
  authFailureRedirectUrl: redirectUrl('authFailureRedirectUrl'),
  language: z.optional(text('language')),
}));

const providersDetailedOptions = optionsOf<{ sdk?: boolean | undefined }>()(() => ({
  sdk: z.optional(flag('sdk')),
}));

/**
 * Connecting people (`terra.auth`): providers, authentication links, widget sessions and mobile-SDK
 * tokens; the client's `generateWidgetSession`, ... are its methods under terra-python's names.
 */
export class Auth {
  readonly #caller: Requester;

  /** @internal Made by the client: use `terra.auth`. */
  constructor(caller: Requester) {
    this.#caller = caller;
  }

  /** The providers Terra supports (`GET /integrations`). */
  async listProviders(request?: RequestOptions): Promise<TerraApiResponse<ProvidersResponse>> {
    return this.#caller.call(
      'providers',
      { method: 'GET', path: '/integrations', apiKey: false },
      request,
      ProvidersResponseSchema,
    );
  }

  /**
   * The providers with details: name, icon, setup, whether enabled for you, and which data types
   * each offers (`GET /integrations/detailed`).
   *
   * @param options.sdk include providers reached through Terra's mobile SDKs (Apple Health, ...).
   */
  async listProvidersDetailed(
    options: { sdk?: boolean | undefined } = {},
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DetailedProvidersResponse>> {
    const { sdk } = parseArguments(providersDetailedOptions, options, 'listProvidersDetailed options');
    return this.#caller.call(
      'providers_detailed',
      { method: 'GET', path: '/integrations/detailed', query: { sdk: sdk?.toString() }, apiKey: false },
      request,
      IntegrationsResponseSchema,
    );
  }

  /**
   * A link that connects one provider directly, without Terra's widget
   * (`POST /auth/authenticateUser`). Redirect the person to `auth_url`. The `user_id` returned is
   * the connection's id once the person completes the flow (an `auth` event confirms it).
   */
  async generateAuthenticationUrl(
    options: AuthenticationUrlOptions,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<UserAuthUrl>> {
    const { resource, ...given } = parseArguments(
      authenticationUrlOptions,
      options,
      'generateAuthenticationUrl options',
    );
    return this.#caller.call(
      'auth_url',
      { method: 'POST', path: '/auth/authenticateUser', query: { resource }, body: connectionBody(given) },
      request,
      UserAuthUrlSchema,
      EFFECT,
    );
  }

  /**
   * A session of Terra's hosted widget, where the person picks a provider and connects it
   * (`POST /auth/generateWidgetSession`). Redirect them to `url`; it expires after `expires_in` seconds.
   *
   * @example
   * ```ts
   * const session = await terra.generateWidgetSession({ referenceId: 'user-123' });
   * console.log(session.getParsedResponse().url);
   * ```
   */
  async generateWidgetSession(
    options: WidgetSessionOptions = {},
    request?: RequestOptions,
  ): Promise<TerraApiResponse<WidgetSession>> {
    const { providers, ...given } = parseArguments(widgetSessionOptions, options, 'generateWidgetSession options');
    const body = { ...(providers === undefined ? {} : { providers }), ...connectionBody(given) };
    return this.#caller.call(
      'widget_session',
      { method: 'POST', path: '/auth/generateWidgetSession', body },
      request,
      WidgetSessionSchema,
      EFFECT,
    );
  }

  /**
   * A short-lived token for Terra's mobile SDKs (`initConnection`), to connect Apple Health, Samsung
   * Health and the like (`POST /auth/generateAuthToken`). Create it on your server and hand it to
   * the app; never ship your API key in an app.
   */
  async generateAuthToken(request?: RequestOptions): Promise<TerraApiResponse<AuthToken>> {
    return this.#caller.call(
      'auth_token',
      { method: 'POST', path: '/auth/generateAuthToken' },
      request,
      AuthTokenSchema,
      EFFECT,
    );
  }
}

/** The JSON body fields shared by the auth URL and the widget session, without the ones not given. */
function connectionBody(options: Omit<AuthenticationUrlOptions, 'resource'>): Record<string, string> {
  const body = {
    reference_id: options.referenceId,
    auth_success_redirect_url: options.authSuccessRedirectUrl,
    auth_failure_redirect_url: options.authFailureRedirectUrl,
    language: options.language,
  };
  return Object.fromEntries(Object.entries(body).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
