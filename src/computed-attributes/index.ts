export { ComputedAttributesModule } from './computed-attributes.module';
export { ComputedAttributesService, type ComputedAttributeView } from './computed-attributes.service';
export { COMPUTED_ATTRIBUTES_STREAM } from './stream';
