/** The log stream holding every computed-attribute definition change (ComputedAttributeSaved / Deleted). */
export const COMPUTED_ATTRIBUTES_STREAM = 'tessera-computed-attributes';
