/**
 * Terra's data models: every schema of Terra's API as a zod schema (`ActivitySchema`) and a type
 * (`Activity`), plus helpers to read them. Entry point `terra-sdk/models`; everything here is also
 * exported from `terra-sdk`.
 *
 * @module terra-sdk/models
 */
export { TerraError, TerraInvalidArgumentError, TerraValidationError, type TerraValidationIssue } from '../errors.js';
export {
  type DeleteDataResponse,
  DeleteDataResponseSchema,
  type DeletedRecord,
  DeletedRecordSchema,
  type ModifyUserResponse,
  ModifyUserResponseSchema,
  type WriteDataResponse,
  WriteDataResponseSchema,
} from './beyond-spec.js';
export type { DriftListener, SchemaDrift } from './drift.js';
export { enumLabel } from './enums.js';
export * from './generated/index.js';
export { type ParseModelOptions, parseModel } from './parse.js';
export { applyScopeChanges, parseScopes } from './scopes.js';
export { calendarDate, parseTerraTimestamp, type TerraTimestamp, terraTimestampToDate } from './timestamps.js';
