export { WaiveDialog } from './WaiveDialog';
export type { WaiveDialogProps } from './WaiveDialog';
