export * from './merge-policy';
export {
  PATH_SEPARATOR,
  InvalidAttributeKeyError,
  flattenAttributes,
  unflattenLeaves,
  type LeafValue,
  type AttributeWrite,
} from './attribute-path';
export * from './fragment.projection';
export * from './attribute-merge.projection';
export * from './profile.projection';
