declare const __TERRA_SDK_VERSION__: string | undefined;

/** The package version, written in at build time (and by the test runner). */
export const VERSION: string = typeof __TERRA_SDK_VERSION__ === 'string' ? __TERRA_SDK_VERSION__ : '0.0.0-dev';

/** The `User-Agent` the client sends. */
export const USER_AGENT = `terra-sdk/${VERSION}`;
