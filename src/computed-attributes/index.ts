export { ComputedAttributesModule } from './computed-attributes.module';
export { ComputedAttributesService, type ComputedAttributeView } from './computed-attributes.service';
export { COMPUTED_ATTRIBUTES_STREAM } from './stream';
export { ComputedValuesReader } from './computed-values.reader';
export { ComputedHistoryReader } from './computed-history.reader';
export { ComputedRuntime, definitionsAt, definitionsBefore, isComputedDefinitionEvent, timelinesOf, type RederivedValues, type ValuesListener } from './runtime';
