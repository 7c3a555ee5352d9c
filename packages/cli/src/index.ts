/**
 * Command-line client of Release Coordinator (docs/gates.md).
 *
 * @packageDocumentation
 */
export {
  EXIT,
  main,
  parseDuration,
  entityPath,
  processIo,
  runMain,
} from './cli';
export type { CliIo } from './cli';
