export { fileConnector } from './connector.js';
export { defaultMapping, FIELD_KINDS } from './default-mappings.js';
export type { FilePosition } from './cursor.js';
export type { FileOptions, FileStream } from './options.js';
