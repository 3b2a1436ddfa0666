/** Terra's API, unless `baseUrl` or `TERRA_BASE_URL` says otherwise. */
export const DEFAULT_BASE_URL = 'https://access.tryterra.co/api/v2';
