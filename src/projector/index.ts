/**
 * The read side's runtime: subscribes to the log from its checkpoint, cuts batches, folds them with the pure batch
 * fold (src/read-models) and commits writes with the checkpoint. What other slices may use of it.
 */
export { loadRules } from './load-rules';
export { MAIN_PROJECTOR, Projector, type ProjectorOptions } from './projector';
export { ProjectorModule } from './projector.module';
export { ReadModelWatermark } from './read-model-watermark';
