/** Nest injection tokens for the objects built before the application (see app.ts). */
export const DATABASE = Symbol('DATABASE');
export const CONFIG = Symbol('CONFIG');
export const ENGINE = Symbol('ENGINE');
export const CALLER = Symbol('CALLER');
export const AUTH = Symbol('AUTH');
export const DOCUMENTS = Symbol('DOCUMENTS');
export const BUDGETS = Symbol('BUDGETS');
export const ACCESS_LOG = Symbol('ACCESS_LOG');
export const SIGNING_KEY = Symbol('SIGNING_KEY');
export const FIGURES = Symbol('FIGURES');
