/** Nest injection tokens of the privacy app (values, not classes). */
export const PRIVACY_CONFIG = Symbol('PRIVACY_CONFIG');
export const KAFKA = Symbol('KAFKA');
