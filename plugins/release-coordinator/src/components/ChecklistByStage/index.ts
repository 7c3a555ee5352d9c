export { ChecklistByStage } from './ChecklistByStage';
export type { ChecklistByStageProps } from './ChecklistByStage';
