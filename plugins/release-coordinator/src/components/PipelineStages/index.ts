export { PipelineStages } from './PipelineStages';
