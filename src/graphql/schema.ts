import { builder } from './builder.js';
import './types/index.js';

/** The executable schema: every type file registers itself on the builder. */
export const schema = builder.toSchema({ sortSchema: true });
