export { RequireBackend } from './RequireBackend';
