/**
 * Test utilities for Release Coordinator backend modules.
 *
 * @packageDocumentation
 */
export { registeredExtensions } from './registeredExtensions';
export type { RegisteredExtensions } from './registeredExtensions';
