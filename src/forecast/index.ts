/** Demand forecasting (issue 8): pure methods over plain number series and the per-series selector. */
export * from './methods.js';
export * from './select.js';
